//! Issue 18, items 9 and 10: the short activation code (support's answer, the activation
//! form), the near-duplicate review's comparison, and the export's readable index:
//! (key, French, English).

pub const ENTRIES: &[super::Entry] = &[
    ("code.hint", "10 caractères, par exemple ABCD-EFGH-JK, donnés par le support ou reçus par e-mail. Majuscules ou minuscules, avec ou sans tirets.", "10 characters, for example ABCD-EFGH-JK, given by support or received by e-mail. Upper or lower case, with or without hyphens."),
    ("code.read", "Lisez-le à la personne groupe par groupe. Il ne sert qu'une fois et est annulé après 5 essais erronés.", "Read it to the person group by group. It works once and is cancelled after 5 wrong tries."),
    ("code.valid", "Il est valable", "It is valid for"),
    ("code.hours", "heures.", "hours."),
    ("code.emailed", "Il a aussi été envoyé par e-mail à", "It was also e-mailed to"),
    ("supx.review.differs", "diffère", "differs"),
    ("supx.review.compare", "Les traits qui diffèrent entre les deux identités sont signalés « diffère ». Dans le doute, choisissez « Même personne » : le professionnel utilisera le dossier existant.", "Traits that differ between the two identities are marked « differs ». When in doubt, choose « Same person »: the professional will use the existing record."),
    ("settings.export.index", "une liste de vos documents à ouvrir dans un navigateur (index.html), avec leur date, leur titre et leur auteur, chacun menant à son fichier, et la même liste à imprimer (index.pdf) ;", "a list of your documents to open in a browser (index.html), with their date, title and author, each leading to its file, and the same list to print (index.pdf);"),
];
