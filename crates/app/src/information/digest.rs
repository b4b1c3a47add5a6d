//! The daily e-mail digest: the notifications an account chose to receive "in the daily
//! digest" wait as lines (`email_digest_items`, written with the notification) and go in ONE
//! e-mail a day. The digest's day turns at [`DIGEST_HOUR`] in New Caledonia: a run at `now`
//! sends, for each account, the lines written before the last turn ([`boundary`]) and deletes
//! them in the same transaction; lines written after it wait for the next day. Run by a job
//! every few minutes, so the e-mail leaves soon after the turn and a missed run loses nothing.
//! At sending time the account must still be active with an address, and a kind it has since
//! switched to "never" is left out.

use super::notifications::texts::{FOOTER, FOOTER_EN};
use super::notifications::{EmailMode, Kind};
use crate::{App, AppError};
use mds_domain::time::NOUMEA_OFFSET_SECONDS;
use mds_domain::{Language, Timestamp};
use mds_store::{accounts, email_digest, notifications, outbox};

/// The hour (New Caledonia time) at which the digest's day turns.
pub const DIGEST_HOUR: i64 = 7;

/// Lines listed in one e-mail at most; the rest are counted.
pub const MAX_LINES: usize = 50;

/// Accounts handled in one run at most; the rest in the next runs.
const ACCOUNTS_PER_RUN: i64 = 500;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The last turn of the digest's day at or before `now`: [`DIGEST_HOUR`] in New Caledonia.
pub fn boundary(now: Timestamp) -> Timestamp {
    let turn_utc_ms = DIGEST_HOUR * 3_600_000 - i64::from(NOUMEA_OFFSET_SECONDS) * 1000;
    let since_turn = (now.millis() - turn_utc_ms).rem_euclid(DAY_MS);
    Timestamp::from_millis(now.millis() - since_turn)
}

/// The digest e-mail of `lines` (oldest first): its subject and body, in French. No
/// professional is named and nothing medical is said: the lines are the notifications' e-mail
/// subjects.
pub fn digest_email(lines: &[String]) -> (String, String) {
    digest_email_in(Language::Fr, lines)
}

/// [`digest_email`] in `lang` (the account's language; its lines were written in it).
pub fn digest_email_in(lang: Language, lines: &[String]) -> (String, String) {
    let n = lines.len();
    let plural = if n > 1 { "s" } else { "" };
    let (subject, intro, more, outro, footer) = match lang {
        Language::Fr => (
            "Votre résumé du jour — Mon Drive Santé".to_owned(),
            format!(
                "Bonjour,\n\nVoici ce qui s'est passé dans votre dossier Mon Drive Santé depuis \
                 votre dernier résumé ({n} événement{plural}) :\n\n"
            ),
            format!(
                "- … et {} autres, à voir dans votre espace.\n",
                n.saturating_sub(MAX_LINES)
            ),
            "\nConnectez-vous à Mon Drive Santé pour voir le détail dans votre historique. Vous \
             choisissez, pour chaque type de notification, de la recevoir immédiatement, dans ce \
             résumé quotidien ou jamais (Mon compte, rubrique Notifications).",
            FOOTER,
        ),
        Language::En => (
            "Your daily summary — Mon Drive Santé".to_owned(),
            format!(
                "Hello,\n\nHere is what happened in your Mon Drive Santé record since your last \
                 summary ({n} event{plural}):\n\n"
            ),
            format!(
                "- … and {} more, to see in your space.\n",
                n.saturating_sub(MAX_LINES)
            ),
            "\nSign in to Mon Drive Santé to see the details in your history. You choose, for \
             each kind of notification, to receive it at once, in this daily summary or never \
             (My account, Notifications).",
            FOOTER_EN,
        ),
    };
    let mut body = intro;
    for line in lines.iter().take(MAX_LINES) {
        body.push_str("- ");
        body.push_str(line);
        body.push('\n');
    }
    if n > MAX_LINES {
        body.push_str(&more);
    }
    body.push_str(outro);
    body.push_str(footer);
    (subject, body)
}

impl App {
    /// Sends the digests due at `now` (see the module); returns the e-mails queued.
    pub async fn send_digests(&self, now: Timestamp) -> Result<u64, AppError> {
        let cutoff = boundary(now).millis();
        let due = email_digest::accounts_due(&self.db, cutoff, ACCOUNTS_PER_RUN).await?;
        let mut sent = 0;
        for account_id in due {
            let mut tx = self.db.begin().await?;
            let items = email_digest::items_before(&mut tx, &account_id, cutoff).await?;
            let chosen = notifications::preferences(&mut tx, &account_id).await?;
            let still_wanted = |kind: &str| {
                let Some(kind) = Kind::parse(kind) else {
                    return false;
                };
                EmailMode::effective(kind, EmailMode::chosen(&chosen, kind)) != EmailMode::Never
            };
            let lines: Vec<String> = items
                .into_iter()
                .filter(|(_, kind, _, _)| still_wanted(kind))
                .map(|(_, _, line, _)| line)
                .collect();
            let account = accounts::by_id(&mut tx, &account_id).await?;
            let address = account
                .filter(|a| a.state == mds_domain::AccountState::Active)
                .and_then(|a| a.email)
                .filter(|e| !e.trim().is_empty());
            if let (Some(address), false) = (address, lines.is_empty()) {
                let language = accounts::language(&mut tx, &account_id).await?;
                let (subject, body) = digest_email_in(language, &lines);
                let row = outbox::EmailRow::queued(
                    Some(account_id.clone()),
                    address,
                    "digest".to_owned(),
                    subject,
                    body,
                    now.millis(),
                );
                outbox::insert(&mut tx, &row).await?;
                sent += 1;
            }
            email_digest::delete_before(&mut tx, &account_id, cutoff).await?;
            tx.commit().await?;
        }
        Ok(sent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-05 at `hh:mm` in New Caledonia (UTC+11).
    fn local(day: i64, hh: i64, mm: i64) -> Timestamp {
        // 2026-12-05T00:00+11:00 = 2026-12-04T13:00Z.
        let midnight = 1_796_389_200_000;
        Timestamp::from_millis(midnight + (day * 24 + hh) * 3_600_000 + mm * 60_000)
    }

    #[test]
    fn the_day_turns_at_seven_in_noumea() {
        assert_eq!(
            local(0, 0, 0).to_noumea_display(),
            "05/12/2026 00:00",
            "the test's clock"
        );
        // (name, now, expected boundary)
        let cases = [
            ("at the turn", local(0, 7, 0), local(0, 7, 0)),
            ("a minute before", local(0, 6, 59), local(-1, 7, 0)),
            ("a minute after", local(0, 7, 1), local(0, 7, 0)),
            ("late evening", local(0, 23, 30), local(0, 7, 0)),
            ("after midnight", local(1, 0, 30), local(0, 7, 0)),
            ("next turn", local(1, 7, 0), local(1, 7, 0)),
        ];
        let failing: Vec<_> = cases
            .iter()
            .filter(|(_, now, want)| boundary(*now) != *want)
            .map(|c| c.0)
            .collect();
        assert!(failing.is_empty(), "failing cases: {failing:?}");
    }

    #[test]
    fn the_email_counts_and_caps_its_lines() {
        let one = digest_email(&["05/12/2026 09:00 — Un professionnel".to_owned()]);
        assert!(one.1.contains("(1 événement)"), "{}", one.1);
        let many: Vec<String> = (0..60).map(|i| format!("ligne {i}")).collect();
        let (_, body) = digest_email(&many);
        assert!(body.contains("(60 événements)"));
        assert!(body.contains("- ligne 49\n") && !body.contains("- ligne 50\n"));
        assert!(body.contains("et 10 autres"));
    }
}
