//! The small charts of the health profile's measurements: one inline SVG per quantity (two
//! lines for blood pressure), drawn on the server with presentation attributes only (the
//! Content Security Policy forbids inline styles), named by a title and a description that
//! says the series in words — the values themselves are listed beside the chart.

use crate::shell::i18n::Lang;
use maud::{html, Markup};
use mds_app::record::profile::ProfileEntry;
use mds_domain::profile::{number_fr, Day, Entry, Quantity};

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 150.0;
/// Room for the value labels on the left and the dates below.
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 22.0;
const TOP: f64 = 10.0;
const RIGHT: f64 = 10.0;

/// One point: the day and the value(s).
struct Point {
    day: Day,
    value: f64,
    second: Option<f64>,
}

fn points(entries: &[ProfileEntry], quantity: Quantity) -> Vec<Point> {
    entries
        .iter()
        .filter_map(|e| match &e.entry {
            Entry::Measurement {
                quantity: q,
                value,
                second,
                on,
            } if *q == quantity => Some(Point {
                day: *on,
                value: *value,
                second: *second,
            }),
            _ => None,
        })
        .collect()
}

fn day_number(d: Day) -> f64 {
    f64::from(d.0.to_julian_day())
}

/// The charts of every quantity measured at least once, in `Quantity::ALL`'s order.
pub fn charts(lang: Lang, entries: &[ProfileEntry]) -> Markup {
    html! {
        @for q in Quantity::ALL {
            @let pts = points(entries, q);
            @if !pts.is_empty() {
                (chart(lang, q, &pts))
            }
        }
    }
}

fn chart(lang: Lang, quantity: Quantity, pts: &[Point]) -> Markup {
    let id = format!("chart-{}", quantity.as_str());
    let values: Vec<f64> = pts
        .iter()
        .flat_map(|p| std::iter::once(p.value).chain(p.second))
        .collect();
    let (lo, hi) = values
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    let flat = (hi - lo).abs() < f64::EPSILON;
    let (first, last) = (pts[0].day, pts[pts.len() - 1].day);
    let span = (day_number(last) - day_number(first)).max(1.0);
    let x = |d: Day| {
        if pts.len() == 1 {
            LEFT + (WIDTH - LEFT - RIGHT) / 2.0
        } else {
            LEFT + (day_number(d) - day_number(first)) / span * (WIDTH - LEFT - RIGHT)
        }
    };
    // A margin above and below, so that no point sits on the axis; the labels name the
    // lowest and highest values measured, at their height.
    let pad = if flat { 1.0 } else { (hi - lo) * 0.1 };
    let (bottom, top) = (lo - pad, hi + pad);
    let y = |v: f64| TOP + (top - v) / (top - bottom) * (HEIGHT - TOP - BOTTOM);
    let line = |pick: &dyn Fn(&Point) -> Option<f64>| -> String {
        pts.iter()
            .filter_map(|p| pick(p).map(|v| format!("{:.1},{:.1}", x(p.day), y(v))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let main = line(&|p| Some(p.value));
    let second = line(&|p| p.second);
    // Numbers as the page's language writes them.
    let num = |v: f64| match lang {
        Lang::Fr => number_fr(v),
        Lang::En => format!("{v}"),
    };
    let fmt = |p: &Point| match p.second {
        Some(d) => format!("{}/{}", num(p.value), num(d)),
        None => num(p.value),
    };
    let label = mds_domain::Language::from(lang).pick(quantity.label_fr(), quantity.label_en());
    let desc = format!(
        "{label} : {} {}, {} {} {} ({}) {} {} {} ({}).",
        pts.len(),
        lang.t("profile.chart.points"),
        lang.t("profile.chart.from"),
        fmt(&pts[0]),
        quantity.unit(),
        first.to_french(),
        lang.t("profile.chart.to"),
        fmt(&pts[pts.len() - 1]),
        quantity.unit(),
        last.to_french(),
    );
    let axis_y = HEIGHT - BOTTOM;
    html! {
        figure.chart {
            svg #(id) viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) width="100%" role="img"
                aria-labelledby=(format!("{id}-title {id}-desc")) focusable="false" {
                title #(format!("{id}-title")) { (label) " — " (lang.t("profile.chart.title")) }
                desc #(format!("{id}-desc")) { (desc) }
                line x1=(LEFT) y1=(axis_y) x2=(WIDTH - RIGHT) y2=(axis_y) stroke="#4a4a4a" stroke-width="1" {}
                line x1=(LEFT) y1=(TOP) x2=(LEFT) y2=(axis_y) stroke="#4a4a4a" stroke-width="1" {}
                text x=(LEFT - 4.0) y=(y(hi) + 4.0) text-anchor="end" font-size="11" fill="#1b1b1b" { (num(hi)) }
                @if !flat {
                    text x=(LEFT - 4.0) y=(y(lo) + 4.0) text-anchor="end" font-size="11" fill="#1b1b1b" { (num(lo)) }
                }
                text x=(LEFT) y=(HEIGHT - 6.0) font-size="11" fill="#1b1b1b" { (first.to_french()) }
                @if pts.len() > 1 {
                    text x=(WIDTH - RIGHT) y=(HEIGHT - 6.0) text-anchor="end" font-size="11" fill="#1b1b1b" { (last.to_french()) }
                }
                polyline points=(main) fill="none" stroke="#0a5275" stroke-width="2" {}
                @if !second.is_empty() {
                    polyline points=(second) fill="none" stroke="#a4161a" stroke-width="2" stroke-dasharray="5 3" {}
                }
                @for p in pts {
                    circle cx=(format!("{:.1}", x(p.day))) cy=(format!("{:.1}", y(p.value))) r="3" fill="#0a5275" {}
                    @if let Some(d) = p.second {
                        circle cx=(format!("{:.1}", x(p.day))) cy=(format!("{:.1}", y(d))) r="3" fill="#a4161a" {}
                    }
                }
            }
            figcaption { (label) " (" (quantity.unit()) ")"
                @if quantity == Quantity::BloodPressure {
                    " — " (mds_domain::Language::from(lang).pick("trait plein : systolique, pointillés : diastolique", "solid: systolic, dashed: diastolic"))
                }
            }
        }
    }
}
