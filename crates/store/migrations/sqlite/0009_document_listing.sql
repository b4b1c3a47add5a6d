-- A record's list page in the order it is shown (newest act first), with the columns the
-- policy's list scope tests: a page stops after its rows and the count reads the index only.
CREATE INDEX documents_listing ON documents
    (patient_id, status, act_date DESC, created_at_ms DESC, id,
     type_code, confidential, hidden_from_patient, depositor_account_id);
