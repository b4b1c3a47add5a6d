//! The demo people, structures, records, documents and care teams, as data: fictional but
//! realistic New Caledonian names, places (INSEE codes of the communes) and professions.

pub(crate) struct DemoStructure {
    pub ridet: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
    pub commune: &'static str,
}

pub(crate) const STRUCTURES: &[DemoStructure] = &[
    DemoStructure {
        ridet: "0900001.001",
        name: "Centre hospitalier territorial de Nouméa (démo)",
        kind: "hospital",
        commune: "98818",
    },
    DemoStructure {
        ridet: "0900002.001",
        name: "Dispensaire provincial de Koné (démo)",
        kind: "dispensary",
        commune: "98811",
    },
    DemoStructure {
        ridet: "0900003.001",
        name: "Pharmacie de l'Anse-Vata (démo)",
        kind: "pharmacy",
        commune: "98818",
    },
    DemoStructure {
        ridet: "0900004.001",
        name: "Laboratoire de biologie médicale du Mont-Dore (démo)",
        kind: "laboratory",
        commune: "98817",
    },
    DemoStructure {
        ridet: "0900005.001",
        name: "SAMU 988 — centre de régulation (démo)",
        kind: "samu",
        commune: "98818",
    },
];

pub(crate) struct DemoPro {
    pub login: &'static str,
    pub first: &'static str,
    pub last: &'static str,
    pub profession: &'static str,
    pub professional_id: &'static str,
    pub structures: &'static [&'static str],
    pub samu: bool,
}

pub(crate) const PROFESSIONALS: &[DemoPro] = &[
    DemoPro {
        login: "dr.nea@demo.mds.nc",
        first: "Jean",
        last: "Néa",
        profession: "medecin",
        professional_id: "10100000001",
        structures: &["0900001.001"],
        samu: false,
    },
    DemoPro {
        login: "dr.wamytan@demo.mds.nc",
        first: "Sarah",
        last: "Wamytan",
        profession: "medecin",
        professional_id: "10100000002",
        structures: &["0900005.001", "0900001.001"],
        samu: true,
    },
    DemoPro {
        login: "inf.kaloi@demo.mds.nc",
        first: "Paul",
        last: "Kaloï",
        profession: "infirmier",
        professional_id: "10100000003",
        structures: &["0900002.001"],
        samu: false,
    },
    DemoPro {
        login: "sf.gope@demo.mds.nc",
        first: "Annie",
        last: "Gopé",
        profession: "sage_femme",
        professional_id: "10100000004",
        structures: &["0900002.001"],
        samu: false,
    },
    DemoPro {
        login: "ph.leroux@demo.mds.nc",
        first: "Claire",
        last: "Leroux",
        profession: "pharmacien",
        professional_id: "10100000005",
        structures: &["0900003.001"],
        samu: false,
    },
    DemoPro {
        login: "bio.tein@demo.mds.nc",
        first: "Hélène",
        last: "Tein",
        profession: "pharmacien",
        professional_id: "10100000006",
        structures: &["0900004.001"],
        samu: false,
    },
    DemoPro {
        login: "psy.hnawia@demo.mds.nc",
        first: "Léa",
        last: "Hnawia",
        profession: "psychologue",
        professional_id: "10100000007",
        structures: &["0900001.001"],
        samu: false,
    },
];

pub(crate) const ASSISTANT_LOGIN: &str = "sec.tiaou@demo.mds.nc";
pub(crate) const SUPPORT_LOGIN: &str = "support@demo.mds.nc";

pub(crate) struct DemoPatient {
    pub cafat: &'static str,
    pub birth_name: &'static str,
    pub first_names: &'static [&'static str],
    pub birth_date: &'static str,
    pub sex: &'static str,
    pub birth_place: &'static str,
    /// Portal login for active accounts; `None` for an inactive account.
    pub login: Option<&'static str>,
}

pub(crate) const PATIENTS: &[DemoPatient] = &[
    DemoPatient {
        cafat: "1234567",
        birth_name: "Wéa",
        first_names: &["Marie", "Josépha"],
        birth_date: "1985-03-14",
        sex: "F",
        birth_place: "98814",
        login: Some("marie.wea@demo.mds.nc"),
    },
    DemoPatient {
        cafat: "2345678",
        birth_name: "Dupont-Kasarhérou",
        first_names: &["Céline"],
        birth_date: "1990-11-30",
        sex: "F",
        birth_place: "75056",
        login: Some("celine.dk@demo.mds.nc"),
    },
    DemoPatient {
        cafat: "7654321",
        birth_name: "Poigoune",
        first_names: &["Joseph", "Emile"],
        birth_date: "1952-07-02",
        sex: "M",
        birth_place: "98822",
        login: None,
    },
    DemoPatient {
        cafat: "345678",
        birth_name: "Tuifua",
        first_names: &["Tevita"],
        birth_date: "1978-01-20",
        sex: "M",
        birth_place: "98613",
        login: None,
    },
];

pub(crate) struct DemoDoc {
    pub patient_cafat: &'static str,
    pub author_login: &'static str,
    pub structure_ridet: &'static str,
    pub type_code: &'static str,
    pub title: &'static str,
    pub act_date: &'static str,
    pub hidden_from_patient: bool,
    pub body: &'static str,
    pub pdf: bool,
}

pub(crate) const DOCUMENTS: &[DemoDoc] = &[
    DemoDoc { patient_cafat: "1234567", author_login: "dr.nea@demo.mds.nc", structure_ridet: "0900001.001", type_code: "11488-4", title: "Consultation de suivi — hypertension", act_date: "2026-10-02", hidden_from_patient: false, body: "Patiente vue en consultation de suivi.\nTension artérielle 128/82 sous traitement.\nPoursuite du traitement, contrôle dans 3 mois.", pdf: true },
    DemoDoc { patient_cafat: "1234567", author_login: "dr.nea@demo.mds.nc", structure_ridet: "0900001.001", type_code: "57833-6", title: "Ordonnance — traitement antihypertenseur", act_date: "2026-10-02", hidden_from_patient: false, body: "Amlodipine 5 mg : 1 comprimé le matin, 3 mois.", pdf: false },
    DemoDoc { patient_cafat: "1234567", author_login: "bio.tein@demo.mds.nc", structure_ridet: "0900004.001", type_code: "11502-2", title: "Bilan biologique — ionogramme, créatinine", act_date: "2026-09-28", hidden_from_patient: false, body: "Sodium 140 mmol/L ; potassium 4,1 mmol/L ; créatinine 68 µmol/L.", pdf: false },
    DemoDoc { patient_cafat: "1234567", author_login: "ph.leroux@demo.mds.nc", structure_ridet: "0900003.001", type_code: "60593-1", title: "Dispensation — amlodipine", act_date: "2026-10-03", hidden_from_patient: false, body: "Délivrance : amlodipine 5 mg, boîte de 30.", pdf: false },
    DemoDoc { patient_cafat: "2345678", author_login: "sf.gope@demo.mds.nc", structure_ridet: "0900002.001", type_code: "11488-4", title: "Consultation prénatale — 3e mois", act_date: "2026-11-10", hidden_from_patient: false, body: "Grossesse évolutive, échographie du premier trimestre prescrite.", pdf: false },
    DemoDoc { patient_cafat: "2345678", author_login: "dr.nea@demo.mds.nc", structure_ridet: "0900001.001", type_code: "60568-3", title: "Compte rendu d'anatomo-cytopathologie", act_date: "2026-11-15", hidden_from_patient: true, body: "Résultat à remettre lors d'une consultation d'annonce.", pdf: false },
    DemoDoc { patient_cafat: "7654321", author_login: "dr.nea@demo.mds.nc", structure_ridet: "0900001.001", type_code: "34112-3", title: "Compte rendu d'hospitalisation — pneumopathie", act_date: "2026-08-21", hidden_from_patient: false, body: "Hospitalisation du 14 au 21 août pour pneumopathie communautaire. Évolution favorable sous antibiothérapie.", pdf: true },
    DemoDoc { patient_cafat: "7654321", author_login: "inf.kaloi@demo.mds.nc", structure_ridet: "0900002.001", type_code: "87273-9", title: "Vaccination antigrippale", act_date: "2026-05-06", hidden_from_patient: false, body: "Vaccin antigrippal saisonnier administré au dispensaire de Koné.", pdf: false },
    DemoDoc { patient_cafat: "345678", author_login: "inf.kaloi@demo.mds.nc", structure_ridet: "0900002.001", type_code: "11506-3", title: "Suivi de soins infirmiers — pansement", act_date: "2026-11-18", hidden_from_patient: false, body: "Réfection de pansement, plaie propre.", pdf: false },
];

/// A care-team membership: (patient CAFAT number, professional login, attending physician).
pub(crate) const CARE_TEAMS: &[(&str, &str, bool)] = &[
    ("1234567", "dr.nea@demo.mds.nc", true),
    ("1234567", "ph.leroux@demo.mds.nc", false),
    ("2345678", "sf.gope@demo.mds.nc", false),
    ("7654321", "dr.nea@demo.mds.nc", true),
    ("7654321", "inf.kaloi@demo.mds.nc", false),
    ("345678", "inf.kaloi@demo.mds.nc", false),
];
