//! Legal representatives (key, French, English): the patient portal's banner and home
//! section, and support's part of a record's page.

pub const ENTRIES: &[super::Entry] = &[
    // The patient portal.
    ("layout.acting_for", "Vous agissez pour", "You are acting for"),
    ("layout.acting_for.as", "en tant que représentant légal : vos actions sont tracées comme telles dans son historique.", "as their legal representative: your actions are recorded as such in their history."),
    ("layout.acting_for.back", "Revenir à mon dossier", "Back to my record"),
    ("repr.home.title", "Personnes que vous représentez", "People you represent"),
    ("repr.home.hint", "Le support a enregistré que vous êtes leur représentant légal. Choisissez d'agir pour l'une d'elles : vous verrez et gérerez son dossier comme elle le ferait, jusqu'à la fin de la représentation.", "Support recorded that you are their legal representative. Choose to act for one of them: you will see and manage their record as they would, until the representation ends."),
    ("repr.until", "jusqu'au", "until"),
    ("repr.acting", "vous agissez pour cette personne", "you are acting for this person"),
    ("repr.act", "Agir pour", "Act for"),
    // Support's console: a record's page.
    ("supx.repr.title", "Représentants légaux", "Legal representatives"),
    ("supx.repr.none", "Aucun représentant légal n'est enregistré pour ce dossier.", "No legal representative is recorded for this record."),
    ("supx.repr.hint", "Un parent (pour un mineur), un tuteur ou un curateur (pour un majeur protégé) agit sur le dossier avec les droits du patient, avec son propre compte patient, jusqu'au dernier jour indiqué. Vérifiez le document légal (livret de famille, acte de naissance, jugement de tutelle ou de curatelle) et l'identité du représentant : le document est conservé chiffré, la référence de la demande est scellée dans le journal.", "A parent (for a minor), a guardian or a curator (for a protected adult) acts on the record with the patient's rights, with their own patient account, until the last day given. Check the legal document (family record book, birth certificate, guardianship or curatorship judgment) and the representative's identity: the document is kept encrypted, the request's reference is sealed in the audit."),
    ("supx.repr.who", "Représentant", "Representative"),
    ("supx.repr.kind", "Qualité", "Capacity"),
    ("supx.repr.last_day", "Dernier jour", "Last day"),
    ("supx.repr.state", "État", "State"),
    ("supx.repr.current", "en cours", "running"),
    ("supx.repr.ended", "terminée", "ended"),
    ("supx.repr.document", "Document légal", "Legal document"),
    ("supx.repr.end", "Mettre fin à la représentation", "End the representation"),
    ("supx.repr.add", "Enregistrer un représentant légal", "Record a legal representative"),
    ("supx.repr.login", "Identifiant du compte patient du représentant (son e-mail)", "Sign-in name of the representative's patient account (their e-mail)"),
    ("supx.repr.kind.parent", "Parent (titulaire de l'autorité parentale) d'un mineur", "Parent (holding parental authority) of a minor"),
    ("supx.repr.kind.guardian", "Tuteur (mineur ou majeur sous tutelle)", "Guardian (minor or adult under guardianship)"),
    ("supx.repr.kind.curator", "Curateur (majeur sous curatelle)", "Curator (adult under curatorship)"),
    ("supx.repr.last_day.hint", "Le dernier jour prévu, inclus (JJ/MM/AAAA) : au plus tard la veille des 18 ans pour un mineur, l'échéance du jugement pour un majeur.", "The last day, included (DD/MM/YYYY): at the latest the day before the 18th birthday for a minor, the judgment's term for an adult."),
    ("supx.repr.file", "Document légal (PDF, JPEG ou PNG)", "Legal document (PDF, JPEG or PNG)"),
    ("supx.repr.reference", "Référence de la demande", "Request reference"),
    ("supx.repr.recorded", "Le représentant légal est enregistré ; il en est informé.", "The legal representative is recorded; they are told."),
    ("supx.repr.ended_ok", "La représentation a pris fin ; le représentant en est informé.", "The representation has ended; the representative is told."),
];
