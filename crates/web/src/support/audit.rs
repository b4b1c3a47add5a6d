//! The support console's audit extraction for an authority (DESIGN.md section 6): the whole
//! trail of a record or of a professional, over a period (New Caledonia days, both included)
//! or all of it, with the reference of the authority's request (mandatory), as JSON or CSV,
//! downloaded as a file. The extraction itself is audited by the use case.

use crate::shared::form;
use crate::shared::views::patient_name;
use crate::shell::csrf::Posted;
use crate::shell::error::{Page, WebError};
use crate::shell::ids::named;
use crate::shell::Web;
use crate::support::{page, Support};
use axum::extract::{Query, State};
use maud::html;
use mds_app::operator::audit_extract::{ExtractFormat, ExtractPeriod, ExtractTarget};
use mds_app::AppError;
use mds_domain::{AccountId, PatientId};
use serde::Deserialize;

const HERE: &str = "/support/audit";
const DAY_MS: i64 = 86_400_000;
const NOUMEA_MS: i64 = 11 * 3_600_000;

#[derive(Deserialize)]
pub struct TargetQuery {
    #[serde(default)]
    patient: Option<String>,
    #[serde(default)]
    professional: Option<String>,
}

#[derive(Deserialize)]
pub struct ExtractForm {
    #[serde(default)]
    patient: Option<String>,
    #[serde(default)]
    professional: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    format: String,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Midnight in Nouméa at the start of `YYYY-MM-DD`, plus `days`; `None` if not a date.
fn noumea_midnight(text: &str, days: i64) -> Option<i64> {
    let mut it = text.trim().split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    if it.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) || y < 1900 {
        return None;
    }
    Some((days_from_civil(y, m, d) + days) * DAY_MS - NOUMEA_MS)
}

fn period(from: &Option<String>, to: &Option<String>) -> Result<ExtractPeriod, AppError> {
    let bad = || {
        AppError::invalid(
            "invalid_period",
            "Les dates de la période ne sont pas valides.",
        )
    };
    let from_ms = form::non_empty(from)
        .map(|t| noumea_midnight(&t, 0).ok_or_else(bad))
        .transpose()?;
    let to_ms = form::non_empty(to)
        .map(|t| noumea_midnight(&t, 1).ok_or_else(bad))
        .transpose()?;
    Ok(ExtractPeriod { from_ms, to_ms })
}

/// Support agents. The extraction form for the record or professional named in the address.
pub async fn form(
    State(web): State<Web>,
    Support { s, lang, ip, .. }: Support,
    Query(q): Query<TargetQuery>,
) -> Page {
    let l = lang;
    let now = crate::shell::now();
    let target = match (
        form::non_empty(&q.patient),
        form::non_empty(&q.professional),
    ) {
        (Some(id), None) => {
            let v = web
                .app
                .patient_for_support(&s.actor, &named::<PatientId>(&id), ip, now)
                .await?;
            Some((
                "patient",
                id,
                format!(
                    "{} {}",
                    l.t("supx.audit.of_patient"),
                    patient_name(&v.patient)
                ),
            ))
        }
        (None, Some(id)) => {
            let p = web
                .app
                .get_professional(&s.actor, &named::<AccountId>(&id))
                .await?;
            Some((
                "professional",
                id,
                format!(
                    "{} {} {}",
                    l.t("supx.audit.of_professional"),
                    p.first_name,
                    p.last_name
                ),
            ))
        }
        _ => None,
    };
    let body = html! {
        p.lead { (l.t("supx.audit.intro")) }
        @if let Some((kind, id, label)) = &target {
            h2 { (label) }
            form method="post" action=(HERE) {
                (form::csrf(&s.csrf))
                input type="hidden" name=(kind) value=(id);
                p #audit-hint { (l.t("supx.audit.consequence")) }
                div.field {
                    label for="reason" { (l.t("supx.audit.reason")) }
                    input #reason type="text" name="reason" required minlength="3" maxlength="500" aria-describedby="audit-hint";
                }
                fieldset {
                    legend { (l.t("supx.audit.period")) }
                    div.field {
                        label for="from" { (l.t("supx.audit.from")) }
                        input #from type="date" name="from";
                    }
                    div.field {
                        label for="to" { (l.t("supx.audit.to")) }
                        input #to type="date" name="to";
                    }
                }
                fieldset {
                    legend { (l.t("supx.audit.format")) }
                    div.choice {
                        input #format-csv type="radio" name="format" value="csv" checked;
                        label for="format-csv" { "CSV" }
                    }
                    div.choice {
                        input #format-json type="radio" name="format" value="json";
                        label for="format-json" { "JSON" }
                    }
                }
                button type="submit" { (l.t("supx.audit.submit")) }
            }
        } @else {
            p { (l.t("supx.audit.choose")) }
            ul.list {
                li { a href="/support/patients" { (l.t("supx.audit.choose.patient")) } }
                li { a href="/support/professionals" { (l.t("supx.audit.choose.professional")) } }
            }
        }
    };
    Ok(page(lang, &s, l.t("supx.audit.title"), HERE, body))
}

/// Support agents. Runs the extraction and answers with the file.
pub async fn extract(
    State(web): State<Web>,
    Support { s, ip, .. }: Support,
    Posted(form): Posted<ExtractForm>,
) -> Page {
    let target = match (
        form::non_empty(&form.patient),
        form::non_empty(&form.professional),
    ) {
        (Some(id), None) => ExtractTarget::Record(named(&id)),
        (None, Some(id)) => ExtractTarget::Professional(named(&id)),
        _ => return Err(WebError::BadRequest),
    };
    let format = ExtractFormat::parse(&form.format).ok_or(WebError::BadRequest)?;
    let period = period(&form.from, &form.to)?;
    let out = web
        .app
        .extract_audit_period(
            &s.actor,
            &target,
            period,
            &form.reason,
            format,
            ip,
            crate::shell::now(),
        )
        .await?;
    Ok(crate::shared::views::attachment(
        out.format.content_type(),
        &out.file_name,
        out.body,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_noumea_day_starts_at_13_h_utc_the_day_before() {
        // 2026-11-22 00:00 in Nouméa is 2026-11-21T13:00:00Z.
        assert_eq!(noumea_midnight("2026-11-22", 0), Some(1_795_266_000_000));
        assert_eq!(
            noumea_midnight("2026-11-22", 1),
            Some(1_795_266_000_000 + DAY_MS)
        );
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for bad in ["", "2026-13-01", "2026-11", "22/11/2026", "2026-11-22-1"] {
            assert_eq!(noumea_midnight(bad, 0), None, "{bad}");
        }
    }
}
