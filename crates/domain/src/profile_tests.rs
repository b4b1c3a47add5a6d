use super::*;

fn day(text: &str) -> Day {
    Day::parse(text).unwrap()
}

fn today() -> Day {
    day("2026-12-06")
}

fn measure(quantity: Quantity, value: f64, second: Option<f64>) -> Entry {
    Entry::Measurement {
        quantity,
        value,
        second,
        on: day("2026-12-01"),
    }
}

/// Each entry as typed, and what `checked` makes of it: stored as shown, or refused with
/// the message the person reads.
#[test]
fn entries_are_checked_as_a_table() {
    let allergy = |substance: &str, reaction: Option<&str>| Entry::Allergy {
        substance: substance.to_owned(),
        reaction: reaction.map(str::to_owned),
        severity: Severity::Severe,
    };
    let long = "x".repeat(TEXT_MAX + 1);
    let cases: Vec<(&str, Entry, Result<Entry, &str>)> = vec![
        (
            "texts are trimmed, a blank option is none",
            allergy("  Pénicilline ", Some("  ")),
            Ok(allergy("Pénicilline", None)),
        ),
        (
            "a required text",
            allergy("   ", None),
            Err("La substance est obligatoire."),
        ),
        (
            "bounded texts",
            allergy(&long, None),
            Err("La substance ne doit pas dépasser 200 caractères."),
        ),
        (
            "no control character",
            allergy("Arachide\u{7}", None),
            Err("La substance contient un caractère non autorisé."),
        ),
        (
            "weight rounded to 100 g",
            measure(Quantity::Weight, 72.46, None),
            Ok(measure(Quantity::Weight, 72.5, None)),
        ),
        (
            "weight out of range",
            measure(Quantity::Weight, 720.0, None),
            Err("Poids : la valeur doit être comprise entre 0,3 et 400 kg."),
        ),
        (
            "glucose kept to the centigram",
            measure(Quantity::Glucose, 1.054, None),
            Ok(measure(Quantity::Glucose, 1.05, None)),
        ),
        (
            "blood pressure needs both values",
            measure(Quantity::BloodPressure, 130.0, None),
            Err("Tension artérielle : indiquez la systolique puis la diastolique, la première plus haute."),
        ),
        (
            "systolic above diastolic",
            measure(Quantity::BloodPressure, 80.0, Some(120.0)),
            Err("Tension artérielle : indiquez la systolique puis la diastolique, la première plus haute."),
        ),
        (
            "a blood pressure",
            measure(Quantity::BloodPressure, 131.4, Some(82.0)),
            Ok(measure(Quantity::BloodPressure, 131.0, Some(82.0))),
        ),
        (
            "one value for a weight",
            measure(Quantity::Weight, 70.0, Some(3.0)),
            Err("Cette mesure n'a qu'une valeur."),
        ),
        (
            "not in the future",
            Entry::Vaccination {
                vaccine: "Tétanos".to_owned(),
                on: day("2026-12-07"),
                lot: None,
            },
            Err("La date ne peut pas être dans le futur."),
        ),
        (
            "not before 1900",
            Entry::Condition {
                name: "Asthme".to_owned(),
                since: Some(day("0005-03-01")),
            },
            Err("La date ne peut pas être antérieure au 01/01/1900."),
        ),
        (
            "a phone number",
            Entry::Contact {
                role: ContactRole::TrustedPerson,
                name: "Marie Wamytan".to_owned(),
                relation: Some("sœur".to_owned()),
                phone: Some("+687 27 12 34".to_owned()),
            },
            Ok(Entry::Contact {
                role: ContactRole::TrustedPerson,
                name: "Marie Wamytan".to_owned(),
                relation: Some("sœur".to_owned()),
                phone: Some("+687 27 12 34".to_owned()),
            }),
        ),
        (
            "not a phone number",
            Entry::Contact {
                role: ContactRole::EmergencyContact,
                name: "Paul".to_owned(),
                relation: None,
                phone: Some("appelez-moi".to_owned()),
            },
            Err("Le numéro de téléphone ne doit contenir que des chiffres, des espaces et « + »."),
        ),
        (
            "directives need a document or a place",
            Entry::AdvanceDirectives {
                document_id: None,
                location: Some(" ".to_owned()),
            },
            Err("Directives anticipées : choisissez le document ou indiquez où elles sont conservées."),
        ),
    ];
    for (name, entry, expected) in cases {
        let got = entry.checked(today()).map_err(|e| e.to_string());
        assert_eq!(got, expected.map_err(str::to_owned), "{name}");
    }
}

#[test]
fn sections_put_emergency_items_first() {
    let first_other = Section::ALL.iter().position(|s| !s.emergency()).unwrap();
    assert!(Section::ALL[first_other..].iter().all(|s| !s.emergency()));
    let added: Vec<Section> = Section::ALL
        .into_iter()
        .filter(|s| s.professional_may_add())
        .collect();
    assert_eq!(added, [Section::Vaccinations, Section::Measurements]);
    for s in Section::ALL {
        assert_eq!(Section::parse(s.as_str()), Some(s));
    }
}

#[test]
fn entries_read_back_as_written() {
    let entry = Entry::Measurement {
        quantity: Quantity::BloodPressure,
        value: 131.0,
        second: Some(82.0),
        on: day("2026-11-30"),
    };
    let json = serde_json::to_string(&entry).unwrap();
    assert_eq!(
        json,
        r#"{"kind":"measurement","quantity":"blood_pressure","value":131.0,"second":82.0,"on":"2026-11-30"}"#
    );
    assert_eq!(serde_json::from_str::<Entry>(&json).unwrap(), entry);
    assert!(serde_json::from_str::<Entry>(
        r#"{"kind":"allergy","substance":"x","severity":"mild","extra":1}"#
    )
    .is_err());
    assert_eq!(
        entry.summary_fr(),
        "Tension artérielle : 131/82 mmHg, le 30/11/2026"
    );
}

#[test]
fn numbers_are_read_in_both_notations() {
    assert_eq!(parse_number("72,5"), Some(72.5));
    assert_eq!(parse_number(" 72.5 "), Some(72.5));
    assert_eq!(parse_number("-3"), None);
    assert_eq!(parse_number("1e3"), None);
    assert_eq!(parse_number(""), None);
    assert_eq!(number_fr(0.3), "0,3");
    assert_eq!(number_fr(400.0), "400");
}

/// Every kind of entry has a line in both languages, and the English one holds no French word
/// of the French one's frame.
#[test]
fn every_entry_reads_in_both_languages() {
    let on = day("2026-11-30");
    let entries = [
        Entry::Allergy {
            substance: "Latex".into(),
            reaction: Some("urticaire".into()),
            severity: Severity::Mild,
        },
        Entry::Treatment {
            medication: "Metformine".into(),
            dosage: Some("1 g".into()),
            since: Some(on),
        },
        Entry::Condition {
            name: "Asthme".into(),
            since: Some(on),
        },
        Entry::Contact {
            role: ContactRole::EmergencyContact,
            name: "Paul".into(),
            relation: None,
            phone: Some("27 12 34".into()),
        },
        Entry::OrganDonation {
            position: DonationPosition::Refuses,
            note: None,
        },
        Entry::AdvanceDirectives {
            document_id: None,
            location: Some("chez mon notaire".into()),
        },
        Entry::Vaccination {
            vaccine: "DTP".into(),
            on,
            lot: Some("A12".into()),
        },
        Entry::Measurement {
            quantity: Quantity::Glucose,
            value: 1.05,
            second: None,
            on,
        },
    ];
    let en: Vec<String> = entries
        .iter()
        .map(|e| e.summary(crate::Language::En))
        .collect();
    assert_eq!(
        en,
        [
            "Latex, moderate reaction (urticaire)",
            "Metformine (1 g), since 30/11/2026",
            "Asthme, since 30/11/2026",
            "Emergency contact: Paul, tel. 27 12 34",
            "The patient refuses organ donation",
            "Advance directives: kept: chez mon notaire",
            "DTP, on 30/11/2026 (batch A12)",
            "Blood glucose: 1.05 g/L, on 30/11/2026",
        ]
    );
    assert_eq!(
        entries[7].summary_fr(),
        "Glycémie : 1,05 g/L, le 30/11/2026"
    );
}
