//! The authentication epoch (migration 0032) moves with every change to what
//! `sessions::get_with_account` reads — each column of it changed in turn, and rows of the
//! tables it joins added and removed — and only then: the idle timer and the columns it does
//! not read leave it where it was. An instance keeps session actors in memory on this
//! promise (`session_cache` of `mds_app`), so a column read there and missing from the
//! triggers would let a revoked session act: this table is the list to extend with it.

use crate::contract::each_backend;
use mds_store::{sessions, Db};

/// `(what changes, statement, whether the epoch moves)`, run in this order on the rows of
/// [`SETUP`].
const CHANGES: &[(&str, &str, bool)] = &[
    // The session: every column but the idle timer.
    ("session id", "UPDATE sessions SET id_hash = id_hash", true),
    (
        "session account",
        "UPDATE sessions SET account_id = account_id",
        true,
    ),
    (
        "session channel",
        "UPDATE sessions SET channel = channel",
        true,
    ),
    (
        "session creation",
        "UPDATE sessions SET created_at_ms = created_at_ms",
        true,
    ),
    (
        "session expiry",
        "UPDATE sessions SET expires_at_ms = expires_at_ms",
        true,
    ),
    (
        "session idle timeout",
        "UPDATE sessions SET idle_timeout_ms = idle_timeout_ms",
        true,
    ),
    ("session address", "UPDATE sessions SET ip = ip", true),
    (
        "logout",
        "UPDATE sessions SET revoked_at_ms = 5 WHERE id_hash = 'gone'",
        true,
    ),
    (
        "acting structure",
        "UPDATE sessions SET acting_structure_id = 'st1'",
        true,
    ),
    (
        "acting for",
        "UPDATE sessions SET acting_for_patient_id = acting_for_patient_id",
        true,
    ),
    (
        "idle timer",
        "UPDATE sessions SET last_seen_ms = last_seen_ms + 1",
        false,
    ),
    // The account, and the professional's account an assistant acts for.
    (
        "account id",
        "UPDATE accounts SET id = id WHERE id = 'pro'",
        true,
    ),
    ("account kind", "UPDATE accounts SET kind = kind", true),
    (
        "account name",
        "UPDATE accounts SET display_name = 'Dr Néa'",
        true,
    ),
    (
        "suspension",
        "UPDATE accounts SET state = 'suspended' WHERE id = 'pro'",
        true,
    ),
    (
        "second factor step",
        "UPDATE accounts SET totp_last_step = 7",
        false,
    ),
    ("language", "UPDATE accounts SET language = 'en'", false),
    ("e-mail", "UPDATE accounts SET email = 'x@y.nc'", false),
    // The assistant's employer, the professional's facts, their structures.
    (
        "employer",
        "UPDATE assistants SET professional_account_id = professional_account_id",
        true,
    ),
    (
        "profession",
        "UPDATE professionals SET profession = 'infirmier'",
        true,
    ),
    (
        "SAMU role",
        "UPDATE professionals SET samu_regulator = 1",
        true,
    ),
    (
        "professional id",
        "UPDATE professionals SET account_id = account_id",
        true,
    ),
    (
        "structure name",
        "UPDATE structures SET name = 'CHT Gaston-Bourret'",
        true,
    ),
    (
        "structure id",
        "UPDATE structures SET id = id WHERE id = 'st2'",
        true,
    ),
    (
        "structure commune",
        "UPDATE structures SET commune = '98800'",
        false,
    ),
    (
        "structure joined",
        "INSERT INTO professional_structures VALUES ('pro', 'st2')",
        true,
    ),
    (
        "structure moved",
        "UPDATE professional_structures SET structure_id = structure_id",
        true,
    ),
    (
        "structure left",
        "DELETE FROM professional_structures WHERE structure_id = 'st2'",
        true,
    ),
    (
        "structure removed",
        "DELETE FROM structures WHERE id = 'st2'",
        true,
    ),
    ("assistant removed", "DELETE FROM assistants", true),
    (
        "assistant added",
        "INSERT INTO assistants VALUES ('asst', 'pro', 'Léa', 'Wamytan')",
        true,
    ),
    (
        "session removed",
        "DELETE FROM sessions WHERE id_hash = 'gone'",
        true,
    ),
    (
        "professional added",
        "INSERT INTO professionals (account_id, professional_id, first_name, last_name, \
         profession) VALUES ('other', '10009999999', 'Paul', 'Kasarhérou', 'medecin')",
        true,
    ),
    (
        "professional removed",
        "DELETE FROM professionals WHERE account_id = 'other'",
        true,
    ),
    (
        "account removed",
        "DELETE FROM accounts WHERE id = 'other'",
        true,
    ),
];

/// A professional in two structures, their assistant, an account with no role yet, and
/// sessions of the three.
const SETUP: &[&str] = &[
    "INSERT INTO accounts (id, kind, login, display_name, state, created_at_ms, \
     updated_at_ms) VALUES ('pro', 'professional', 'pro@cht.nc', 'Dr Jean Néa', 'active', 1, 1)",
    "INSERT INTO accounts (id, kind, login, display_name, state, created_at_ms, \
     updated_at_ms) VALUES ('asst', 'assistant', 'asst@cht.nc', 'Léa', 'active', 1, 1)",
    "INSERT INTO accounts (id, kind, login, display_name, state, created_at_ms, \
     updated_at_ms) VALUES ('other', 'professional', 'o@cht.nc', 'Paul', 'pending', 1, 1)",
    "INSERT INTO structures (id, name, ridet, kind, commune, created_at_ms) \
     VALUES ('st1', 'CHT', '0123456.001', 'hospital', '98818', 1)",
    "INSERT INTO structures (id, name, ridet, kind, commune, created_at_ms) \
     VALUES ('st2', 'Clinique', '0123456.002', 'clinic', '98818', 1)",
    "INSERT INTO professionals (account_id, professional_id, first_name, last_name, \
     profession) VALUES ('pro', '10001234567', 'Jean', 'Néa', 'medecin')",
    "INSERT INTO professional_structures VALUES ('pro', 'st1')",
    "INSERT INTO assistants VALUES ('asst', 'pro', 'Léa', 'Wamytan')",
    "INSERT INTO sessions (id_hash, account_id, channel, created_at_ms, last_seen_ms, \
     expires_at_ms, idle_timeout_ms) VALUES ('kept', 'pro', 'api', 1, 1, 9999, 900000)",
    "INSERT INTO sessions (id_hash, account_id, channel, created_at_ms, last_seen_ms, \
     expires_at_ms, idle_timeout_ms) VALUES ('gone', 'asst', 'web', 1, 1, 9999, 900000)",
];

async fn run(db: &Db, sql: &str) {
    db.execute_script(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

#[tokio::test]
async fn the_epoch_moves_with_every_change_to_what_a_session_acts_as() {
    each_backend(|backend, db| async move {
        for sql in SETUP {
            run(&db, sql).await;
        }
        let mut epoch = sessions::auth_epoch(&db).await.unwrap();
        let read = sessions::get_with_account(&db, "kept").await.unwrap();
        assert_eq!(read.map(|r| r.epoch), Some(epoch), "{backend:?}");
        for &(change, sql, moves) in CHANGES {
            run(&db, sql).await;
            let now = sessions::auth_epoch(&db).await.unwrap();
            assert_eq!(now > epoch, moves, "{backend:?}: {change} ({sql})");
            assert!(now >= epoch, "{backend:?}: {change}: the epoch went back");
            epoch = now;
        }
        // The session read again is read at the epoch reached.
        let read = sessions::get_with_account(&db, "kept").await.unwrap();
        assert_eq!(read.map(|r| r.epoch), Some(epoch), "{backend:?}");
    })
    .await;
}
