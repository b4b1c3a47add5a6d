//! The birth place field: New Caledonia's communes in a list, any other French commune or a
//! foreign country by name or code (key, French, English).

pub const ENTRIES: &[super::Entry] = &[
    ("place.other.option", "Ailleurs : autre commune de France ou étranger", "Elsewhere: another French commune or abroad"),
    ("place.other.label", "Né(e) ailleurs : commune ou pays de naissance", "Born elsewhere: commune or country of birth"),
    ("place.other.hint", "Si vous avez choisi « Ailleurs » : le nom de la commune de France (outre-mer compris) ou du pays où vous êtes né(e), ou son code INSEE. Exemples : Papeete, Paris, Vanuatu.", "If you chose “Elsewhere”: the name of the French commune (overseas included) or of the country where you were born, or its INSEE code. Examples: Papeete, Paris, Vanuatu."),
    ("place.choose", "Plusieurs lieux portent ce nom : choisissez le vôtre", "Several places have this name: choose yours"),
    ("place.ambiguous", "Plusieurs lieux portent ce nom : choisissez le vôtre dans la liste sous le champ « Né(e) ailleurs », puis envoyez de nouveau le formulaire.", "Several places have this name: choose yours in the list under the “Born elsewhere” field, then send the form again."),
    ("place.unknown", "Aucune commune française ni aucun pays ne porte ce nom : vérifiez l'orthographe ; pour une ville étrangère, indiquez le nom du pays (par exemple Vanuatu pour Port-Vila).", "No French commune nor country has this name: check the spelling; for a foreign town, give the country's name (for instance Vanuatu for Port-Vila)."),
];
