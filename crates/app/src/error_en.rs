//! The English of the use cases' errors (issue 15, item 10): one sentence per code of
//! `AppError::Invalid` and `AppError::Conflict`, and one per denial worded outside the policy
//! (the policy's own denials are in English in `mds_policy::Rule::explanation_en`).
//!
//! French stays the message the use case built (`AppError::public_message`), with the values
//! it names; a code shared by several refusals gets one English sentence that covers them,
//! without values the code cannot carry. `crates/app/tests/app/error_catalogue.rs` reads the
//! sources: every code they produce must be here, every entry here must be produced, and every
//! entry must read as an English sentence.

/// Code → English message, sorted by code.
pub const ENGLISH: &[(&str, &str)] = &[
    ("alert_already_reviewed", "This alert has already been reviewed."),
    ("already_decided", "This request has already been handled."),
    ("attestation_file_unexpected", "A signed attestation is attached only to a consent collected in person from a patient without an active account."),
    ("attestation_missing", "Attest that you have checked the person's identity document and CAFAT card, informed them (purposes, rights, use of the CAFAT number) and collected their signed consent."),
    ("attestation_present", "The signed form of this consent is already attached."),
    ("attestation_required", "This patient has no active account: attest their consent collected in person."),
    ("birth_date_before_1900", "The date of birth cannot be earlier than 01/01/1900."),
    ("birth_date_format", "The date of birth must be a valid date, in the DD/MM/YYYY format."),
    ("birth_date_in_future", "The date of birth cannot be in the future."),
    ("birth_name_empty", "The birth name is required."),
    ("birth_name_invalid_character", "The birth name contains a character that is not allowed. Only letters, the space, the hyphen and the apostrophe are accepted."),
    ("birth_name_misplaced_separator", "The birth name must begin and end with a letter, without two hyphens or apostrophes in a row."),
    ("birth_name_too_long", "The birth name is too long."),
    ("birth_place_ambiguous", "Several places have this name: choose yours in the list under the “Born elsewhere” field, then send the form again."),
    ("birth_place_format", "The place of birth must be a 5-character INSEE commune code (98818 for Noumea, for instance) or a 99xxx country code for a birth abroad."),
    ("birth_place_unknown", "No French commune nor country has this name: check the spelling; for a foreign town, give the country's name (for instance Vanuatu for Port-Vila)."),
    ("birth_place_unknown_nc_commune", "This code matches no commune of New Caledonia (98801 to 98833)."),
    ("cafat_length", "The CAFAT or AMG number does not have the right number of digits."),
    ("cafat_not_digits", "The CAFAT or AMG number must contain digits only."),
    ("care_team_too_large", "The care team has 50 professionals at most."),
    ("comment_required", "A comment is required (2000 characters at most, without control characters)."),
    ("confirmation_required", "Confirm this request by ticking the box: it cannot be undone."),
    ("consent_code_invalid", "The code is incorrect, has expired or has already been used."),
    ("consent_not_pending", "This request is no longer pending (already handled, revoked or expired)."),
    ("credential_already_revoked", "This software access is already revoked."),
    ("credential_not_active", "This software access is revoked or has expired."),
    ("death_already_recorded", "The death of this patient is already recorded."),
    ("document_changed", "This document was modified or deleted in the meantime."),
    ("duplicate_cafat", "A record already exists for this CAFAT or AMG number: search for the patient instead of creating a new record."),
    ("duplicate_certificate", "This certificate is already registered (a revoked certificate stays so): the software must present a new one."),
    ("duplicate_document", "This document is already in the record."),
    ("duplicate_email", "This email address is already used by another account."),
    ("duplicate_identity", "A record already exists for this identity: search for the patient instead of creating a new record."),
    ("duplicate_kid", "This software already has a key with this “kid”: choose another one."),
    ("duplicate_login", "This login is already in use."),
    ("duplicate_professional_id", "A professional with this identifier already exists."),
    ("duplicate_ridet", "A structure with this RIDET number already exists."),
    ("email_required", "An email address is needed to activate the account: ask the patient for it."),
    ("email_taken", "This email address already belongs to another account."),
    ("empty_document", "The document is empty."),
    ("empty_submission", "The submission contains no document."),
    ("enrolment_incomplete", "Choose your password first."),
    ("evidence_required", "Describe the identity check made or the evidence compared (document shown, date), within the length allowed and without control characters."),
    ("file_missing", "The file is empty or missing."),
    ("file_too_large", "The file is larger than 5 MB. Send a lighter image."),
    ("first_name_empty", "Every first name entered must be filled in."),
    ("first_name_invalid_character", "A first name contains a character that is not allowed. Only letters, the space, the hyphen and the apostrophe are accepted."),
    ("first_name_misplaced_separator", "A first name must begin and end with a letter, without two hyphens or apostrophes in a row."),
    ("first_name_too_long", "A first name is too long."),
    ("first_names_missing", "At least one first name is required."),
    ("first_names_too_many", "Too many first names have been entered."),
    ("heir_name_required", "Enter the heir's name as it appears on their identity document (200 characters at most, without control characters)."),
    ("hidden_from_patient_not_allowed", "A patient cannot hide their own documents from themselves: “hidden_from_patient” is reserved for professionals."),
    ("identifier_kind_invalid", "The number type must be CAFAT or AMG."),
    ("identity_not_validated", "This patient's identity is not validated yet: no document can be added."),
    ("information_duty_required", "For a first deposit, confirm that the patient has been informed."),
    ("information_not_acknowledged", "Read the information about the service and your rights, then tick the box that confirms it."),
    ("invalid_act_date", "The date of the act is invalid: YYYY-MM-DD, from 1 January 1900 to one year after today."),
    ("invalid_certificate", "The client certificate is not valid: paste its PEM (-----BEGIN CERTIFICATE-----), without the private key."),
    ("invalid_client", "The client assertion is refused: check the client, its key, the signature and the claims of the assertion."),
    ("invalid_code", "Incorrect or already used code. Check your phone's time, or wait for the next code, and try again."),
    ("invalid_commune", "The commune must be an INSEE code of New Caledonia (98801 to 98833)."),
    ("invalid_contact_link", "This confirmation link is invalid, has already been used or has expired (it is valid for 24 hours). Request the change again from your space, under your contact details."),
    ("invalid_date", "The date is invalid: use YYYY-MM-DD or DD/MM/YYYY."),
    ("invalid_death_date", "The date of death must be a valid date (DD/MM/YYYY), neither in the future nor before the date of birth."),
    ("invalid_email", "The email address is not valid (for example: firstname.lastname@example.nc)."),
    ("invalid_end_date", "The end date is invalid: give a date (YYYY-MM-DD) from today to the furthest end allowed."),
    ("invalid_enrolment_token", "This activation code is invalid or has expired. Check it or ask support for a new one."),
    ("invalid_field", "A required field is empty or too long (200 characters at most)."),
    ("invalid_filter", "A filter is invalid: check the identifiers and codes given."),
    ("invalid_format", "Unknown format: use json or csv."),
    ("invalid_identity", "The identity entered is not valid."),
    ("invalid_jwk", "The key set (JWKS) is not valid."),
    ("invalid_kind", "Unknown activity type (reads, changes, searches, emergency, controls, denied)."),
    ("invalid_login", "Invalid login (3 to 254 characters, without spaces)."),
    ("invalid_message", "The message is empty, too long or contains characters that are not accepted."),
    ("invalid_note", "The decision note must not be longer than 1000 characters nor contain control characters."),
    ("invalid_outcome", "The outcome must be handled or rejected."),
    ("invalid_passkey_name", "Give this passkey a name (60 characters at most), for example “Phone”."),
    ("invalid_period", "The dates of the period are not valid: its end must come after its start."),
    ("invalid_phone", "The phone number must have 6 to 15 digits (for example: 25 12 34)."),
    ("invalid_profession", "The profession is unknown."),
    ("invalid_professional_id", "The professional identifier must have 6 to 20 digits or letters."),
    ("invalid_purpose", "Enter the purpose of the request (3 to 500 characters, without control characters)."),
    ("invalid_reason", "The reason entered is refused: it contains a control character or too many accents on one letter."),
    ("invalid_relationship", "Choose the heir's relationship to the deceased person."),
    ("invalid_request", "The client assertion type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer."),
    ("invalid_reset_link", "This password change link is invalid, has already been used, has expired (it is valid for 30 minutes) or was cancelled after too many wrong codes. Request a new one from the sign-in page."),
    ("invalid_ridet", "The RIDET number must have the form 1234567.001."),
    ("invalid_samu_role", "Only a physician can be a SAMU regulator."),
    ("invalid_scope", "The scope is invalid: give “system/…” scopes separated by spaces."),
    ("invalid_search", "The search is invalid: it is too long or contains a control character."),
    ("invalid_session_idle", "The inactivity timeout is outside the range of minutes allowed."),
    ("invalid_situation", "Unknown situation: today, break_glass or samu."),
    ("invalid_state", "This action is not possible in the current state."),
    ("invalid_structure", "You do not practise in this structure."),
    ("invalid_structure_kind", "The type of structure is unknown."),
    ("invalid_target", "Give either patient_id or professional_id."),
    ("invalid_text", "A field of the form is not valid text (UTF-8)."),
    ("invalid_title", "The title is required (200 characters at most, without control characters)."),
    ("invalid_value", "The requested value is too long or contains characters that are not accepted."),
    ("invalid_who", "Unknown value of “who” (others, mine or everyone)."),
    ("key_already_revoked", "This key is already revoked."),
    ("login_required", "Enter the login of your account (your email address for a patient)."),
    ("login_too_long", "A login has 254 characters at most: check what was entered."),
    ("minor", "This person is under 18: a record cannot be opened for them yet."),
    ("near_match_to_review", "A similar identity already exists: support must check the creation before the record is opened."),
    ("not_deceased", "The death of this person is not recorded: an heir cannot receive their record."),
    ("not_in_care_team", "The attending physician must first be part of the care team."),
    ("not_structure_member", "This professional does not practise in this structure."),
    ("note_required", "Tell the patient why the request is not accepted (without control characters)."),
    ("notification_mandatory", "This notification is always sent by email, immediately: this choice cannot be changed."),
    ("notification_mode_conflict", "The “mode” and “email” values contradict each other for this notification."),
    ("notification_mode_missing", "Give the “mode” of this notification."),
    ("notification_mode_unknown", "This choice does not exist: choose “Immediately”, “In the daily digest” or “Never”."),
    ("own_account", "An agent does not reset their own account: another support agent does it after verification."),
    ("passkey_expired", "Adding the passkey has expired. Start again."),
    ("passkey_known", "This passkey is already registered."),
    ("passkey_refused", "The passkey could not be verified. Try again, or use the code from your app."),
    ("patient_deceased", "The death of this person is recorded: nothing more can be added to their record, and their heirs contact support."),
    ("preload_care_date", "The care date of a preload is invalid: give a date (YYYY-MM-DD) from today to the furthest day allowed."),
    ("preload_not_declared", "No preload of this record has been declared for this professional: list its documents for this preload first."),
    ("preload_patient_limit", "Limit reached: a structure's software preloads a limited number of different patients' records per professional over 24 hours. Try again later."),
    ("preload_too_many_documents", "A preload covers a limited number of documents per patient. Consult the next ones when taking charge of the patient."),
    ("professional_inactive", "This professional no longer practises on the service: they would see nothing."),
    ("professional_or_profession", "Choose either a professional or a profession."),
    ("professional_required", "Name the professional the software acts for (X-MDS-Professional header: their MDS identifier or professional number)."),
    ("profile_document_unknown", "This document is not in the record."),
    ("profile_entry_invalid", "This health profile entry is incomplete or has a value that is not accepted: check the required fields, the date (not in the future) and the ranges of measurements."),
    ("reason_required", "Enter the reason or the reference requested, within the length allowed and without control characters."),
    ("record_active", "The person exports their record themselves from their space (My account, Export my record)."),
    ("record_not_closed", "The legal export only concerns closed records."),
    ("record_not_open", "This record is not open (pending, closed or deleted): this action is not possible."),
    ("rectification_decided", "This request has already been handled."),
    ("rectification_near_match", "After correction, another record is close to this one (same date of birth and sex, similar names). Check that they are two different people, then confirm it to apply the correction; otherwise, refuse the request and deal with the duplicate."),
    ("rectification_same_value", "This information already has the value requested: there is nothing to correct."),
    ("rectification_stale", "This information has changed since the request: refuse it and ask the patient to send a new one if needed."),
    ("reference_required", "Enter the reference of the request (200 characters at most, without control characters)."),
    ("representation_beyond_majority", "The representation of a minor ends at their majority: the last day is at the latest the day before their 18th birthday."),
    ("representation_curator_of_minor", "This person is a minor: they are represented by a parent or a guardian, not by a curator."),
    ("representation_end_invalid", "Enter the last day of the representation (DD/MM/YYYY)."),
    ("representation_end_past", "The end date of the representation has passed: enter the last day set by the document, today or later."),
    ("representation_ended", "This representation has already ended."),
    ("representation_exists", "This person is already recorded as this patient's legal representative. End the current representation before recording a new one."),
    ("representation_kind_invalid", "Choose the representative's capacity: parent, guardian or curator."),
    ("representation_parent_of_adult", "This person is an adult: a parent no longer represents them. Choose guardian or curator, according to the judge's decision."),
    ("representation_too_long", "The end date is too far ahead: enter the one set by the judge's decision."),
    ("representative_is_holder", "A person cannot be their own legal representative."),
    ("representative_own_only", "These steps concern your own record: go back to your record to take them. For the person you represent (closure, rectification), contact support."),
    ("representative_unknown", "No active patient account has this login: the representative must first have an account of their own."),
    ("request_reference_required", "Enter the reference of the patient's request (500 characters at most, without control characters)."),
    ("same_email", "This is already the email address of your account."),
    ("same_password", "The new password must be different from the current one."),
    ("sex_invalid", "The sex must be F (female), M (male) or I (undetermined)."),
    ("structure_required", "A professional practises in at least one structure."),
    ("too_many_email_changes", "Too many address change requests today: try again tomorrow, or contact support."),
    ("too_many_passkeys", "This account already has 10 passkeys: remove one first."),
    ("too_many_rectifications", "You already have several requests under review: wait for the answer of support before sending others."),
    ("unknown_document_type", "The document type is unknown."),
    ("unknown_field", "Choose the information to correct: birth name, first names, date of birth, sex or place of birth."),
    ("unknown_notification_kind", "The notification type is unknown."),
    ("unknown_profession", "Unknown profession: choose it in the list (for instance infirmier, a nurse)."),
    ("unknown_professional", "The professional is unknown or their account is not active."),
    ("unknown_structure", "The structure is unknown, or you do not practise in it."),
    ("unsupported_format", "Format not accepted: PDF, CDA XML, JPEG, PNG or text for a document; PDF, JPEG or PNG for a scan or a signed form."),
    ("unsupported_grant_type", "Only “grant_type=client_credentials” is accepted."),
    ("weak_password", "The password is too short, too long (256 characters at most) or too easy to guess."),
    ("wrong_password", "The current password is incorrect."),
    ("xml_doctype_refused", "XML document refused: DOCTYPE and ENTITY declarations are not accepted."),
];

/// Rule id → English message, for the `AppError::Denied` the use cases word themselves (the
/// software of a structure acting for a professional).
pub const DENIALS: &[(&str, &str)] = &[
    (
        "software.authorisation_expired",
        "This professional's authorisation in the software of their structure has ended: support must renew it.",
    ),
    (
        "software.not_authorised",
        "This professional is not on the list of professionals authorised in the software of their structure.",
    ),
    (
        "software.two_factor_missing",
        "The software must attest that the professional signed in to it with two factors.",
    ),
];

/// The English message of an `Invalid` or `Conflict` code.
pub fn english_message(code: &str) -> Option<&'static str> {
    ENGLISH
        .binary_search_by(|(c, _)| (*c).cmp(code))
        .ok()
        .and_then(|i| ENGLISH.get(i))
        .map(|(_, message)| *message)
}

/// The English message of a denial worded outside the policy, by its rule id.
pub fn english_denial(rule: &str) -> Option<&'static str> {
    DENIALS
        .iter()
        .find(|(r, _)| *r == rule)
        .map(|(_, message)| *message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_for_its_binary_search() {
        assert!(ENGLISH.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(
            english_message("wrong_password"),
            Some("The current password is incorrect.")
        );
        assert_eq!(english_message("no_such_code"), None);
        assert!(english_denial("software.not_authorised").is_some());
    }
}
