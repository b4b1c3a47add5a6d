//! Decision tables of the CDA reader: header, narrative, hostile inputs, refusals.

use super::*;

const NS: &str = "urn:hl7-org:v3";

/// A CDA document with one section whose narrative is `text`.
fn with_narrative(text: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <ClinicalDocument xmlns=\"{NS}\"><title>T</title><component><structuredBody>\
         <component><section><title>S</title><text>{text}</text></section></component>\
         </structuredBody></component></ClinicalDocument>"
    )
}

fn narrative_of(text: &str) -> Result<Vec<Block>, CdaError> {
    let cda = parse(with_narrative(text).as_bytes())?;
    Ok(cda
        .sections
        .into_iter()
        .next()
        .map(|s| s.blocks)
        .unwrap_or_default())
}

fn lines(l: &[&str]) -> Block {
    Block::Text(l.iter().map(|s| (*s).to_owned()).collect())
}

#[test]
fn the_header_is_read() {
    let xml = format!(
        "<ClinicalDocument xmlns=\"{NS}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <title>Compte rendu  de\n consultation</title><effectiveTime value=\"20261002103000+1100\"/>\
         <recordTarget><patientRole><patient><name><given>Céline</given><family>Dupont</family></name>\
         <birthTime value=\"19901130\"/></patient></patientRole></recordTarget>\
         <author><time value=\"20261002\"/><assignedAuthor><assignedPerson><name><prefix>Dr</prefix>\
         <given>Jean</given><family>Néa</family></name></assignedPerson>\
         <representedOrganization><name>Clinique X</name></representedOrganization></assignedAuthor></author>\
         <custodian><assignedCustodian><representedCustodianOrganization><name>MDS</name>\
         </representedCustodianOrganization></assignedCustodian></custodian>\
         <component><nonXMLBody><text mediaType=\"application/pdf\">JVBERi0=</text></nonXMLBody></component>\
         </ClinicalDocument>"
    );
    let cda = parse(xml.as_bytes()).expect("parsed");
    assert_eq!(
        cda,
        Cda {
            title: Some("Compte rendu de consultation".into()),
            date: Some("2026-10-02".into()),
            patient: Some(Patient {
                name: "Céline Dupont".into(),
                birth_date: Some("1990-11-30".into()),
            }),
            authors: vec![Author {
                name: Some("Dr Jean Néa".into()),
                organization: Some("Clinique X".into()),
                date: Some("2026-10-02".into()),
            }],
            custodian: Some("MDS".into()),
            sections: vec![],
            unstructured_body: true,
        }
    );
}

#[test]
fn narrative_decision_table() {
    let cases: Vec<(&str, &str, Vec<Block>)> = vec![
        ("plain text", "Bonjour", vec![lines(&["Bonjour"])]),
        (
            "line breaks",
            "Ligne 1<br/>Ligne <content>2</content>",
            vec![lines(&["Ligne 1", "Ligne 2"])],
        ),
        (
            "paragraphs",
            "<paragraph>Un</paragraph><paragraph>  Deux  </paragraph>",
            vec![lines(&["Un"]), lines(&["Deux"])],
        ),
        (
            "ordered list",
            "<list listType=\"ordered\"><item>A</item><item><content>B</content></item></list>",
            vec![Block::List {
                ordered: true,
                items: vec!["A".into(), "B".into()],
            }],
        ),
        (
            "unordered list by default",
            "<list><item>A</item></list>",
            vec![Block::List {
                ordered: false,
                items: vec!["A".into()],
            }],
        ),
        (
            "table with head and body",
            "<table><caption>Bilan</caption><thead><tr><th>Examen</th><th>Valeur</th></tr></thead>\
             <tbody><tr><td>Glycémie</td><td>1,02 g/L</td></tr></tbody></table>",
            vec![Block::Table {
                caption: Some("Bilan".into()),
                rows: vec![
                    Row {
                        header: true,
                        cells: vec!["Examen".into(), "Valeur".into()],
                    },
                    Row {
                        header: false,
                        cells: vec!["Glycémie".into(), "1,02 g/L".into()],
                    },
                ],
            }],
        ),
        (
            "script dropped whole, text around kept",
            "Avant<script>alert('x')</script> après",
            vec![lines(&["Avant après"])],
        ),
        (
            "script in a paragraph, handler attributes dropped",
            "<paragraph onclick=\"alert(1)\" styleCode=\"Bold\">Texte<script>alert(2)</script></paragraph>",
            vec![lines(&["Texte"])],
        ),
        (
            "style element dropped",
            "<style>body{display:none}</style>Visible",
            vec![lines(&["Visible"])],
        ),
        (
            "javascript link keeps its text only",
            "<linkHtml href=\"javascript:alert(1)\">voir le résultat</linkHtml>",
            vec![lines(&["voir le résultat"])],
        ),
        (
            "remote link keeps its text only",
            "<paragraph>Voir <linkHtml href=\"https://evil.example/x\">ici</linkHtml></paragraph>",
            vec![lines(&["Voir ici"])],
        ),
        (
            "multimedia is named, never fetched",
            "<renderMultiMedia referencedObject=\"img1\"/>",
            vec![Block::Multimedia],
        ),
        (
            "html image element yields nothing",
            "<img xmlns=\"http://www.w3.org/1999/xhtml\" src=\"https://evil.example/p.png\" onerror=\"alert(1)\"/>",
            vec![],
        ),
        (
            "markup in text is text",
            "&lt;script&gt;alert(1)&lt;/script&gt;",
            vec![lines(&["<script>alert(1)</script>"])],
        ),
        (
            "iframe element yields its text only",
            "<iframe src=\"https://evil.example/\">cadre</iframe>",
            vec![lines(&["cadre"])],
        ),
        (
            "comments and processing instructions are ignored",
            "<!-- caché --><?pi x?>Vu",
            vec![lines(&["Vu"])],
        ),
        ("empty text", "", vec![]),
    ];
    let mut failed = Vec::new();
    for (name, text, expected) in cases {
        match narrative_of(text) {
            Ok(got) if got == expected => {}
            other => failed.push(format!("{name}: got {other:?}, expected {expected:?}")),
        }
    }
    assert!(failed.is_empty(), "failing cases:\n{}", failed.join("\n"));
}

#[test]
fn refusals_decision_table() {
    let entity = "<?xml version=\"1.0\"?><!DOCTYPE ClinicalDocument [<!ENTITY x \"boom\">]>\
                  <ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>&x;</title></ClinicalDocument>";
    let external =
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\
                    <ClinicalDocument><title>&xxe;</title></ClinicalDocument>";
    let laughs = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">\
                  <!ENTITY c \"&b;&b;&b;&b;\">]><ClinicalDocument><title>&c;</title></ClinicalDocument>";
    let undeclared = "<ClinicalDocument><title>&xxe;</title></ClinicalDocument>";
    let wide = format!(
        "<ClinicalDocument>{}</ClinicalDocument>",
        "<a/>".repeat(MAX_NODES as usize + 1)
    );
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("internal entity declaration", entity.into(), "xml"),
        ("external entity", external.into(), "xml"),
        ("billion laughs", laughs.into(), "xml"),
        ("undeclared entity", undeclared.into(), "xml"),
        ("too many nodes", wide.into_bytes(), "too large"),
        ("not UTF-8", vec![0xff, 0xfe, b'<'], "xml"),
        (
            "not well-formed",
            b"<ClinicalDocument><title>".to_vec(),
            "xml",
        ),
        (
            "html root",
            b"<html><body>x</body></html>".to_vec(),
            "not cda",
        ),
    ];
    let kind = |e: &CdaError| match e {
        CdaError::Xml(_) => "xml",
        CdaError::TooLarge => "too large",
        CdaError::NotCda => "not cda",
    };
    let mut failed = Vec::new();
    for (name, input, expected) in cases {
        match parse(&input) {
            Err(e) if kind(&e) == expected => {}
            other => failed.push(format!("{name}: got {other:?}, expected {expected}")),
        }
    }
    assert!(failed.is_empty(), "failing cases:\n{}", failed.join("\n"));
}

#[test]
fn huge_nesting_is_read_without_recursion() {
    let depth = 100_000;
    let text = format!(
        "{}profond{}",
        "<content>".repeat(depth),
        "</content>".repeat(depth)
    );
    assert_eq!(narrative_of(&text), Ok(vec![lines(&["profond"])]));
}

#[test]
fn deep_sections_are_flattened_below_the_limit() {
    let depth = 50;
    let mut xml = format!("<ClinicalDocument xmlns=\"{NS}\"><component><structuredBody>");
    for i in 0..depth {
        xml.push_str(&format!(
            "<component><section><title>N{i}</title><text>t{i}</text>"
        ));
    }
    xml.push_str(&"</section></component>".repeat(depth));
    xml.push_str("</structuredBody></component></ClinicalDocument>");
    let cda = parse(xml.as_bytes()).expect("parsed");
    let mut s = &cda.sections[0];
    let mut levels = 1;
    while let Some(next) = s.sections.first() {
        s = next;
        levels += 1;
    }
    assert_eq!(levels, MAX_SECTION_DEPTH);
    // The deepest kept section carries the text of those below it.
    let flat: Vec<String> = s
        .blocks
        .iter()
        .flat_map(|b| match b {
            Block::Text(l) => l.clone(),
            _ => vec![],
        })
        .collect();
    assert!(flat.iter().any(|l| l.contains("t49")), "{flat:?}");
    assert!(flat.iter().any(|l| l.contains("N49")), "{flat:?}");
}

#[test]
fn a_prefixed_namespace_is_read_by_local_names() {
    let xml = "<hl7:ClinicalDocument xmlns:hl7=\"urn:hl7-org:v3\"><hl7:title>Titre</hl7:title>\
               </hl7:ClinicalDocument>";
    let cda = parse(xml.as_bytes()).expect("parsed");
    assert_eq!(cda.title.as_deref(), Some("Titre"));
}

#[test]
fn invalid_dates_are_not_shown() {
    for (value, expected) in [
        ("20261002", Some("2026-10-02")),
        ("2026", None),
        ("20261302", None),
        ("2026abcd", None),
        ("20260100", None),
    ] {
        let xml =
            format!("<ClinicalDocument><effectiveTime value=\"{value}\"/></ClinicalDocument>");
        let cda = parse(xml.as_bytes()).expect("parsed");
        assert_eq!(cda.date.as_deref(), expected, "{value}");
    }
}
