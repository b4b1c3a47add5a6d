//! The Merkle tree that a signed checkpoint commits to (RFC 9162 §2.1, the Certificate
//! Transparency tree): the leaves are the checkpoint's events' chain hashes in seq order, a leaf
//! hashes as `SHA-256(0x00 || event hash bytes)`, an inner node as `SHA-256(0x01 || left ||
//! right)`, and a tree of `n > 1` leaves splits after the largest power of two below `n`. An
//! inclusion proof is RFC 9162's audit path, verified by its §2.1.3.2 algorithm, which
//! docs/AUDIT-PROOFS.md restates for independent verifiers. Pure: no database, no clock.

use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

/// The leaf hash of an event whose chain hash is `event_hash`.
pub fn leaf(event_hash: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(event_hash);
    h.finalize().into()
}

fn node(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The largest power of two strictly below `n` (`n >= 2`).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// The root of the tree over `leaves` (already leaf hashes); `None` for no leaf.
pub fn root(leaves: &[Hash]) -> Option<Hash> {
    match leaves.len() {
        0 => None,
        1 => Some(leaves[0]),
        n => {
            let k = split(n);
            Some(node(&root(&leaves[..k])?, &root(&leaves[k..])?))
        }
    }
}

/// The audit path of leaf `index` in the tree over `leaves`, nearest sibling first.
pub fn proof(leaves: &[Hash], index: usize) -> Option<Vec<Hash>> {
    if index >= leaves.len() {
        return None;
    }
    let mut path = Vec::new();
    path_of(leaves, index, &mut path);
    Some(path)
}

fn path_of(leaves: &[Hash], index: usize, path: &mut Vec<Hash>) {
    let n = leaves.len();
    if n <= 1 {
        return;
    }
    let k = split(n);
    if index < k {
        path_of(&leaves[..k], index, path);
        path.extend(root(&leaves[k..]));
    } else {
        path_of(&leaves[k..], index - k, path);
        path.extend(root(&leaves[..k]));
    }
}

/// Whether `path` proves that `leaf_hash` is leaf `index` of a tree of `size` leaves whose
/// root is `root` (RFC 9162 §2.1.3.2).
pub fn verify(leaf_hash: &Hash, index: u64, size: u64, path: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut f_n, mut s_n) = (index, size - 1);
    let mut r = *leaf_hash;
    for p in path {
        if s_n == 0 {
            return false;
        }
        if f_n & 1 == 1 || f_n == s_n {
            r = node(p, &r);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            r = node(&r, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    s_n == 0 && r == *root
}

/// The tree over a checkpoint's leaves with every level kept, so that each proof costs
/// `log n` lookups instead of a pass over the leaves: a level's last node, when it has no
/// right neighbour, moves up unchanged, which builds exactly RFC 9162's tree.
pub struct Tree {
    levels: Vec<Vec<Hash>>,
}

impl Tree {
    pub fn new(leaves: Vec<Hash>) -> Tree {
        let mut levels = vec![leaves];
        while levels.last().is_some_and(|l| l.len() > 1) {
            let below = levels.last().map(Vec::as_slice).unwrap_or_default();
            let up = below
                .chunks(2)
                .map(|pair| match pair {
                    [left, right] => node(left, right),
                    [alone] => *alone,
                    _ => unreachable!("chunks(2) yields one or two"),
                })
                .collect();
            levels.push(up);
        }
        Tree { levels }
    }

    pub fn size(&self) -> usize {
        self.levels.first().map_or(0, Vec::len)
    }

    pub fn root(&self) -> Option<Hash> {
        self.levels.last().and_then(|l| l.first().copied())
    }

    /// The audit path of leaf `index`, nearest sibling first (as [`proof`]).
    pub fn proof(&self, index: usize) -> Option<Vec<Hash>> {
        if index >= self.size() {
            return None;
        }
        let mut path = Vec::new();
        let mut i = index;
        for level in &self.levels[..self.levels.len() - 1] {
            if let Some(sibling) = level.get(i ^ 1) {
                path.push(*sibling);
            }
            i /= 2;
        }
        Some(path)
    }
}

/// Leaves per block: a checkpoint stores the root of each block of its tree (the tree's nodes
/// at this height), so that proving one event reads its block's leaves and those roots, not
/// every leaf of the checkpoint. A power of two.
pub const BLOCK: usize = 256;

/// The roots of the consecutive `block`-leaf blocks of `leaves` (the last one possibly short).
pub fn block_roots(leaves: &[Hash], block: usize) -> Vec<Hash> {
    leaves
        .chunks(block)
        .filter_map(|c| Tree::new(c.to_vec()).root())
        .collect()
}

/// The audit path of leaf `index` from its block's leaves and every block's root: the path
/// inside the block, then the block's path in the tree over the block roots — the same path as
/// [`proof`] over all the leaves, since a block is a subtree of RFC 9162's tree.
pub fn proof_by_blocks(
    block_leaves: &[Hash],
    roots: &Tree,
    index: usize,
    block: usize,
) -> Option<Vec<Hash>> {
    let mut path = Tree::new(block_leaves.to_vec()).proof(index % block)?;
    path.extend(roots.proof(index / block)?);
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n).map(|i| leaf(&[i as u8; 32])).collect()
    }

    #[test]
    fn every_leaf_of_every_small_tree_proves_and_nothing_else_does() {
        for n in 1..=33 {
            let ls = leaves(n);
            let r = root(&ls).unwrap();
            for i in 0..n {
                let p = proof(&ls, i).unwrap();
                assert!(verify(&ls[i], i as u64, n as u64, &p, &r), "n={n} i={i}");
                // Another position, another leaf or a cut path: refused.
                if n > 1 {
                    let other = (i + 1) % n;
                    assert!(
                        !verify(&ls[i], other as u64, n as u64, &p, &r),
                        "n={n} i={i}"
                    );
                    assert!(!verify(&ls[other], i as u64, n as u64, &p, &r));
                    assert!(!verify(&ls[i], i as u64, n as u64, &p[..p.len() - 1], &r));
                }
            }
            assert!(proof(&ls, n).is_none());
        }
        assert!(root(&[]).is_none());
    }

    #[test]
    fn the_tree_with_its_levels_gives_the_recursive_roots_and_paths() {
        for n in 1..=70 {
            let ls = leaves(n);
            let tree = Tree::new(ls.clone());
            assert_eq!(tree.root(), root(&ls), "n={n}");
            for i in 0..n {
                assert_eq!(tree.proof(i), proof(&ls, i), "n={n} i={i}");
            }
            assert_eq!(tree.proof(n), None);
        }
        assert_eq!(Tree::new(Vec::new()).root(), None);
    }

    #[test]
    fn a_proof_by_blocks_is_the_proof_over_all_the_leaves() {
        for block in [1, 2, 4, 8] {
            for n in 1..=70 {
                let ls = leaves(n);
                let roots = Tree::new(block_roots(&ls, block));
                assert_eq!(roots.root(), root(&ls), "block={block} n={n}");
                for i in 0..n {
                    let start = i / block * block;
                    let mine = &ls[start..(start + block).min(n)];
                    assert_eq!(
                        proof_by_blocks(mine, &roots, i, block),
                        proof(&ls, i),
                        "block={block} n={n} i={i}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_root_matches_rfc_9162_structure() {
        // Three leaves: node(node(l0, l1), l2).
        let ls = leaves(3);
        assert_eq!(root(&ls).unwrap(), node(&node(&ls[0], &ls[1]), &ls[2]));
        // Five leaves: node(node(node(l0,l1),node(l2,l3)), l4).
        let ls = leaves(5);
        let left = node(&node(&ls[0], &ls[1]), &node(&ls[2], &ls[3]));
        assert_eq!(root(&ls).unwrap(), node(&left, &ls[4]));
        // The leaf prefix keeps a leaf from passing for a node.
        let plain: Hash = Sha256::digest([0u8; 32]).into();
        assert_ne!(leaf(&[0; 32]), plain);
    }
}
