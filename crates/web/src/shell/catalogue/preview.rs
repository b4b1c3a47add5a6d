//! « Voir mon dossier comme un professionnel » (key, French, English).

pub const ENTRIES: &[super::Entry] = &[
    ("preview.title", "Voir mon dossier comme un professionnel", "See my record as a professional would"),
    ("preview.intro", "Choisissez un professionnel et une situation : vous voyez exactement ce qu'il verrait de votre dossier, document par document, avec la règle qui le montre ou le cache. C'est une simulation : rien ne lui est ouvert et il n'est pas prévenu ; elle apparaît dans votre historique comme votre propre action.", "Choose a professional and a situation: you see exactly what they would see of your record, document by document, with the rule that shows or hides it. It is a simulation: nothing is opened to them and they are not told; it appears in your history as your own action."),
    ("preview.find.title", "Chercher un autre professionnel", "Find another professional"),
    ("preview.see.title", "Professionnel et situation", "Professional and situation"),
    ("preview.none", "Votre équipe de soins est vide : cherchez un professionnel par son nom.", "Your care team is empty: search for a professional by name."),
    ("preview.professional", "Professionnel", "Professional"),
    ("preview.situation", "Situation", "Situation"),
    ("preview.situation.today", "Aujourd'hui, tel que votre dossier est réglé", "Today, as your record is set"),
    ("preview.situation.break_glass", "En urgence, par un accès « bris de glace »", "In an emergency, by break-glass access"),
    ("preview.situation.samu", "Lors d'une régulation par le SAMU", "During a SAMU regulation"),
    ("preview.show", "Voir ce qu'il verrait", "See what they would see"),
    ("preview.result.title", "Ce que verrait", "What would be seen by"),
    ("preview.result.simulation", "Simulation : aucun accès n'a été ouvert.", "Simulation: no access was opened."),
    ("preview.result.count", "de vos documents lui seraient montrés.", "of your documents would be shown to them."),
    ("preview.result.hidden_from_you", "document(s) qui vous sont encore cachés (en attente d'une consultation d'annonce) lui seraient aussi montrés.", "document(s) still hidden from you (pending an announcement consultation) would also be shown to them."),
    ("preview.shown", "Visible", "Shown"),
    ("preview.hidden", "Caché", "Hidden"),
    ("preview.remedies", "Ce que vous pouvez faire", "What you can do"),
    ("preview.link", "Voir mon dossier comme un professionnel le verrait", "See my record as a professional would"),
    ("preview.link.member", "Voir ce qu'il voit", "See what they see"),
];
