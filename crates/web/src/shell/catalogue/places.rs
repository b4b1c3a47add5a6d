//! The birth place field: New Caledonia's communes in a list, any other French commune or a
//! foreign country by name or code (key, French, English).

pub const ENTRIES: &[super::Entry] = &[
    ("place.other.option", "Ailleurs : autre commune de France ou étranger", "Elsewhere: another French commune or abroad"),
    ("place.other.label", "Né(e) ailleurs : commune ou pays de naissance", "Born elsewhere: commune or country of birth"),
    ("place.other.hint", "Si vous avez choisi « Ailleurs » : le nom de la commune de France (outre-mer compris) ou son code INSEE ; pour un pays étranger, son code INSEE, qui commence par 99 (Vanuatu : 99516). Exemples : Papeete, Paris, 99516.", "If you chose “Elsewhere”: the name of the French commune (overseas included) or its INSEE code; for a foreign country, its INSEE code, which starts with 99 (Vanuatu: 99516). Examples: Papeete, Paris, 99516."),
    ("place.choose", "Plusieurs lieux portent ce nom : choisissez le vôtre", "Several places have this name: choose yours"),
    ("place.ambiguous", "Plusieurs lieux portent ce nom : choisissez le vôtre dans la liste sous le champ « Né(e) ailleurs », puis envoyez de nouveau le formulaire.", "Several places have this name: choose yours in the list under the “Born elsewhere” field, then send the form again."),
    ("place.unknown", "Aucune commune française ne porte ce nom : vérifiez l'orthographe, ou indiquez le code INSEE du lieu (pour un pays étranger, 99 suivi de trois chiffres).", "No French commune has this name: check the spelling, or give the place's INSEE code (for a foreign country, 99 and three digits)."),
];
