//! Writing a JSON answer into the buffer the body will send. Serialising a large answer into
//! a buffer that grows copies it at every doubling, so a surface reserves room for its usual
//! large answer before writing ([`json`]); but the buffer lives as long as the answer is being
//! sent, and a slow client would hold that room for a small answer (an error, one resource)
//! too. `fitted` keeps what was written in a buffer of its own size when it used less than
//! half: no answer holds more than twice its length, as with a buffer that grew.

/// `value` as JSON, written into `room` bytes reserved at once (the surface's usual large
/// answer, so that it is written without a reallocation), then moved to a buffer of its
/// own size if it used less than half of the room.
pub fn json<T: serde::Serialize + ?Sized>(
    value: &T,
    room: usize,
) -> Result<Vec<u8>, serde_json::Error> {
    let mut written = Vec::with_capacity(room);
    serde_json::to_writer(&mut written, value)?;
    Ok(fitted(written))
}

/// `written`, in a buffer of its own size when it used less than half of its capacity (a
/// copy of a small answer); otherwise as it is (no copy of a large one).
fn fitted(mut written: Vec<u8>) -> Vec<u8> {
    if written.len() < written.capacity() / 2 {
        written.shrink_to_fit();
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOM: usize = 64 * 1024;

    #[test]
    fn a_small_answer_does_not_keep_the_room_reserved() {
        let mut b = Vec::with_capacity(ROOM);
        b.extend_from_slice(br#"{"error":{"code":"not_found"}}"#);
        let b = fitted(b);
        assert_eq!(b.capacity(), b.len());
        assert_eq!(&b[..], br#"{"error":{"code":"not_found"}}"#);
    }

    #[test]
    fn a_large_answer_keeps_its_buffer() {
        let mut b = Vec::with_capacity(ROOM);
        b.resize(36 * 1024, b'x');
        let before = b.as_ptr();
        let b = fitted(b);
        assert_eq!(b.as_ptr(), before, "no copy");
        assert_eq!(b.capacity(), ROOM);
    }

    #[test]
    fn json_writes_the_bytes_of_serde_json_in_a_fitted_buffer() {
        let value = serde_json::json!({ "title": "Compte rendu « été »\n", "n": [1, 2] });
        let small = json(&value, ROOM).unwrap();
        assert_eq!(small, serde_json::to_vec(&value).unwrap());
        assert_eq!(small.capacity(), small.len());
        let page = serde_json::json!({ "items": vec!["x".repeat(100); 400] });
        let large = json(&page, ROOM).unwrap();
        assert_eq!(large, serde_json::to_vec(&page).unwrap());
        assert!(large.len() > ROOM / 2);
        assert_eq!(large.capacity(), ROOM, "written without growing");
    }

    #[test]
    fn json_returns_the_error_of_a_value_that_cannot_be_written() {
        let mut map = std::collections::HashMap::new();
        map.insert((1, 2), "a key that is not a string");
        assert!(json(&map, ROOM).is_err());
    }

    #[test]
    fn no_answer_holds_more_than_twice_its_length() {
        for len in [0, 1, 100, ROOM / 2 - 1, ROOM / 2, 50_000, ROOM, 100_000] {
            let mut b = Vec::with_capacity(ROOM);
            b.resize(len, b'x');
            let b = fitted(b);
            assert_eq!(b.len(), len);
            assert!(
                b.capacity() <= 2 * len || b.capacity() == len,
                "{len}: {}",
                b.capacity()
            );
        }
    }
}
