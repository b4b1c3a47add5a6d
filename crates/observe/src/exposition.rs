//! The Prometheus text format (version 0.0.4) of every metric of the catalogue: `# HELP` and
//! `# TYPE` lines, then one line per series; a histogram as cumulative `_bucket` lines (the
//! last `le="+Inf"`), `_sum` and `_count`. Label values are escaped (`\`, `"`, newline).

use crate::metrics::{self, Counter, Gauge, Histogram};
use std::fmt::Write as _;

/// The content type of [`render`]'s text.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

enum Family {
    Counter(&'static Counter),
    Gauge(&'static Gauge),
    Histogram(&'static Histogram),
}

fn catalogue() -> [Family; 13] {
    use metrics::*;
    [
        Family::Counter(&HTTP_REQUESTS),
        Family::Histogram(&HTTP_DURATION),
        Family::Counter(&DECISIONS),
        Family::Histogram(&AUDIT_BATCH),
        Family::Histogram(&AUDIT_COMMIT),
        Family::Counter(&OUTBOX_SENT),
        Family::Counter(&OUTBOX_FAILURES),
        Family::Gauge(&OUTBOX_EMAILS),
        Family::Counter(&JOB_RUNS),
        Family::Histogram(&JOB_DURATION),
        Family::Counter(&STORE_ERRORS),
        Family::Counter(&VAULT_ERRORS),
        Family::Gauge(&RESIDENT_MEMORY),
    ]
}

/// Every metric of the catalogue, as a scrape answers it.
pub fn render() -> String {
    let mut out = String::with_capacity(16 * 1024);
    for family in catalogue() {
        match family {
            Family::Counter(c) => {
                head(&mut out, c.name, c.help, "counter");
                for (values, v) in c.series() {
                    line(&mut out, c.name, c.labels, &values, None, &v.to_string());
                }
            }
            Family::Gauge(g) => {
                head(&mut out, g.name, g.help, "gauge");
                for (values, v) in g.series() {
                    line(&mut out, g.name, g.labels, &values, None, &number(v));
                }
            }
            Family::Histogram(h) => {
                head(&mut out, h.name, h.help, "histogram");
                let bucket = format!("{}_bucket", h.name);
                for (values, o) in h.series() {
                    let mut cumulative = 0;
                    for (i, n) in o.counts.iter().enumerate() {
                        cumulative += n;
                        let le = h.buckets.get(i).map_or("+Inf".to_owned(), |b| number(*b));
                        let le = Some(("le", le.as_str()));
                        line(
                            &mut out,
                            &bucket,
                            h.labels,
                            &values,
                            le,
                            &cumulative.to_string(),
                        );
                    }
                    let sum = format!("{}_sum", h.name);
                    line(&mut out, &sum, h.labels, &values, None, &number(o.sum));
                    let count = format!("{}_count", h.name);
                    line(
                        &mut out,
                        &count,
                        h.labels,
                        &values,
                        None,
                        &o.count.to_string(),
                    );
                }
            }
        }
    }
    out
}

fn head(out: &mut String, name: &str, help: &str, kind: &str) {
    let _ = writeln!(
        out,
        "# HELP {name} {}",
        help.replace('\\', "\\\\").replace('\n', "\\n")
    );
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

fn line(
    out: &mut String,
    name: &str,
    labels: &[&str],
    values: &[String],
    extra: Option<(&str, &str)>,
    value: &str,
) {
    out.push_str(name);
    let pairs = labels
        .iter()
        .zip(values)
        .map(|(l, v)| (*l, v.as_str()))
        .chain(extra);
    let mut first = true;
    for (label, v) in pairs {
        out.push(if first { '{' } else { ',' });
        first = false;
        let _ = write!(out, "{label}=\"{}\"", escape(v));
    }
    if !first {
        out.push('}');
    }
    let _ = writeln!(out, " {value}");
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// A float as Prometheus reads it (`+Inf`, `-Inf`, `NaN` spelled out).
fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_owned()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_lines_escape_their_label_values() {
        let mut out = String::new();
        line(
            &mut out,
            "m",
            &["route"],
            &["/a\"b\\c\nd".to_owned()],
            Some(("le", "0.5")),
            "1",
        );
        assert_eq!(out, "m{route=\"/a\\\"b\\\\c\\nd\",le=\"0.5\"} 1\n");
        let mut out = String::new();
        line(&mut out, "m", &[], &[], None, "2");
        assert_eq!(out, "m 2\n");
    }

    #[test]
    fn every_family_has_its_help_and_type() {
        metrics::HTTP_REQUESTS.inc(&["GET", "/x", "200"]);
        metrics::HTTP_DURATION.observe(&["GET", "/x"], 0.003);
        let text = render();
        for family in catalogue() {
            let name = match family {
                Family::Counter(c) => c.name,
                Family::Gauge(g) => g.name,
                Family::Histogram(h) => h.name,
            };
            assert!(text.contains(&format!("# TYPE {name} ")), "{name}");
        }
        assert!(text.contains("mds_http_request_duration_seconds_bucket{method=\"GET\",route=\"/x\",le=\"0.005\"} 1"), "{text}");
        assert!(text.contains(
            "mds_http_request_duration_seconds_bucket{method=\"GET\",route=\"/x\",le=\"+Inf\"} 1"
        ));
    }
}
