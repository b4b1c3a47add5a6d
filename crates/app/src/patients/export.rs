//! The patient's export of the whole record as a ZIP archive (stored, not compressed:
//! documents are mostly PDF and images already compressed). For the person: `index.html`
//! and its printable `index.pdf`, listing the documents with their dates, titles, types and
//! authors, each linking to its file in `documents/`, named by date and title
//! (`export_index`). For machines: `identity.json`, `documents.json` (each document's `file`),
//! `care_team.json`, `settings.json`, `profile.json` (the health profile, also listed in the
//! index), `history.json` and `history.html` (every audit event
//! about the record, each with its French line, `export_history`), `audit-proofs.json` (the
//! same events with their proofs against the signed audit checkpoints, `export_proofs`),
//! `manifest.json` with the size and SHA-256 of every other file, and `signature.json`, the
//! service's Ed25519 signature of the manifest (`mds export verify`, `export_verify`).
//! Documents hidden from the patient are not exported.

use crate::information::history::render::Audience;
use crate::patients::export_index::{self, Entry, Names};
use crate::patients::export_pdf;
use crate::patients::identity::PatientSummary;
use crate::{Actor, App, AppError};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::profile::Section;
use mds_domain::{AccountState, DepositorKind, DocumentType, PatientId, Timestamp};
use mds_store::{care_team, directory, documents, patients};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::io::Write;

/// Which export support made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SupportExport {
    /// A closed record, for an authority: documents hidden from the patient included.
    Legal,
    /// An inactive record, for the person: what they would see.
    OnRequest,
}

/// How an heir is related to the deceased person (the request's stated ground).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum HeirRelationship {
    Spouse,
    Child,
    Parent,
    Sibling,
    OtherHeir,
}

impl HeirRelationship {
    pub const ALL: [HeirRelationship; 5] = [
        HeirRelationship::Spouse,
        HeirRelationship::Child,
        HeirRelationship::Parent,
        HeirRelationship::Sibling,
        HeirRelationship::OtherHeir,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HeirRelationship::Spouse => "spouse",
            HeirRelationship::Child => "child",
            HeirRelationship::Parent => "parent",
            HeirRelationship::Sibling => "sibling",
            HeirRelationship::OtherHeir => "other_heir",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// An heir's request for a deceased person's record, as support recorded it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeirRequest {
    /// The heir's name, as on the identity document support saw.
    pub heir_name: String,
    pub relationship: HeirRelationship,
    /// The justification checked (e.g. « acte de notoriété n° … du … ») and the request's
    /// reference.
    pub justification: String,
}

pub(crate) struct Archive {
    zip: zip::ZipWriter<std::io::Cursor<Vec<u8>>>,
    manifest: Vec<serde_json::Value>,
    /// The file being written piece by piece: its name, digest and size so far.
    open: Option<(String, Sha256, u64)>,
}

fn zip_error(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("zip: {e}"))
}

impl Archive {
    fn new() -> Self {
        Self {
            zip: zip::ZipWriter::new(std::io::Cursor::new(Vec::new())),
            manifest: Vec::new(),
            open: None,
        }
    }

    fn add(&mut self, name: &str, bytes: &[u8]) -> Result<(), AppError> {
        self.start(name, bytes.len() >= 0xffff_ffff)?;
        self.write(bytes)?;
        self.end()
    }

    /// Starts a file written piece by piece ([`Archive::write`], then [`Archive::end`]).
    pub(crate) fn start(&mut self, name: &str, large: bool) -> Result<(), AppError> {
        self.end()?;
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(large);
        self.zip.start_file(name, options).map_err(zip_error)?;
        self.open = Some((name.to_owned(), Sha256::new(), 0));
        Ok(())
    }

    pub(crate) fn write(&mut self, bytes: &[u8]) -> Result<(), AppError> {
        let Some((_, digest, size)) = self.open.as_mut() else {
            return Err(AppError::Internal("zip: no file started".to_owned()));
        };
        digest.update(bytes);
        *size += bytes.len() as u64;
        self.zip.write_all(bytes).map_err(zip_error)
    }

    /// Ends the file being written, if any, and lists it in the manifest.
    pub(crate) fn end(&mut self) -> Result<(), AppError> {
        if let Some((name, digest, size)) = self.open.take() {
            self.manifest.push(json!({
                "path": name,
                "size": size,
                "sha256": data_encoding::HEXLOWER.encode(&digest.finalize()),
            }));
        }
        Ok(())
    }

    fn add_json(&mut self, name: &str, value: &serde_json::Value) -> Result<(), AppError> {
        let text = serde_json::to_vec_pretty(value)
            .map_err(|e| AppError::Internal(format!("json: {e}")))?;
        self.add(name, &text)
    }

    /// Writes `manifest.json` (every other file's size and SHA-256) and `signature.json`
    /// (the service's Ed25519 signature of the manifest's exact bytes), then closes the ZIP.
    fn finish(
        mut self,
        generated_at: Timestamp,
        key: &mds_vault::SigningKey,
    ) -> Result<Vec<u8>, AppError> {
        self.end()?;
        let manifest = json!({
            "format": "mds-export/1",
            "generated_at": generated_at.to_rfc3339(),
            "files": self.manifest,
        });
        let text = serde_json::to_vec_pretty(&manifest)
            .map_err(|e| AppError::Internal(format!("json: {e}")))?;
        let signature = serde_json::to_vec_pretty(&signature_file(key, &text))
            .map_err(|e| AppError::Internal(format!("json: {e}")))?;
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, bytes) in [(MANIFEST, &text), (SIGNATURE, &signature)] {
            self.zip.start_file(name, options).map_err(zip_error)?;
            self.zip.write_all(bytes).map_err(zip_error)?;
        }
        let cursor = self.zip.finish().map_err(zip_error)?;
        Ok(cursor.into_inner())
    }
}

/// The signature file of an export: the Ed25519 signature of `manifest.json`'s exact bytes.
fn signature_file(key: &mds_vault::SigningKey, manifest: &[u8]) -> serde_json::Value {
    json!({
        "format": "mds-export-signature/v1",
        "signed_file": "manifest.json",
        "algorithm": "Ed25519",
        "key_id": key.key_id(),
        "public_key": data_encoding::BASE64URL_NOPAD.encode(&key.public_key()),
        "signature": data_encoding::BASE64URL_NOPAD.encode(&key.sign(manifest)),
    })
}

/// The manifest's name in the archive.
pub const MANIFEST: &str = "manifest.json";
/// The name of the manifest's signature in the archive.
pub const SIGNATURE: &str = "signature.json";

impl App {
    /// Who wrote a document, in words: the author's name, profession and structure, « Vous »
    /// for what the patient added, « — » when unknown.
    async fn author_text(&self, d: &documents::DocumentRow) -> Result<String, AppError> {
        if d.depositor_kind == DepositorKind::Patient {
            return Ok("Vous".to_owned());
        }
        let mut parts = Vec::new();
        if let Some(id) = &d.author_account_id {
            if let Some(pro) = directory::professional(&self.db, id).await? {
                parts.push(format!(
                    "{} {}, {}",
                    pro.first_name,
                    pro.last_name.to_uppercase(),
                    pro.profession.label_fr()
                ));
            }
        }
        if let Some(id) = &d.author_structure_id {
            if let Some(s) = directory::structure_by_id(&self.db, id).await? {
                parts.push(s.name);
            }
        }
        Ok(if parts.is_empty() {
            "—".to_owned()
        } else {
            parts.join(" — ")
        })
    }

    /// The patient (active account). The whole record as a ZIP archive; audited.
    pub async fn export_own_record(
        &self,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Vec<u8>, AppError> {
        let p = self.own_record(actor).await?;
        if p.record_state != AccountState::Active {
            return Err(AppError::NotFound);
        }
        let (bytes, count) = self.record_archive(&p, false, now).await?;
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            patient_id: Some(p.id.to_string()),
            detail: json!({ "documents": count, "bytes": bytes.len() }),
            ..NewEvent::new(ActorKind::Patient, "patient.export", Outcome::Success)
        };
        self.record_event(ev, now.millis()).await?;
        Ok(bytes)
    }

    /// Support only, on a closed record (archived, read-only to everyone else): the legal
    /// export for an authority, documents hidden from the patient included. The reference of
    /// the legal request is mandatory and recorded in the audit.
    pub async fn legal_export(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        reference: &str,
        now: Timestamp,
    ) -> Result<Vec<u8>, AppError> {
        let (p, reference) = self.export_request(actor, patient_id, reference).await?;
        if p.record_state != AccountState::Closed {
            return Err(AppError::conflict(
                "record_not_closed",
                "L'export légal ne concerne que les dossiers clôturés.",
            ));
        }
        self.support_archive(actor, &p, &reference, SupportExport::Legal, now)
            .await
    }

    /// Support only: the export a person asks for when they cannot download it themselves —
    /// an inactive record (no portal account) after support checked their identity — or the
    /// legal export of a closed record (as [`App::legal_export`]). `reference` says which
    /// request (and, for a person, how their identity was checked); it is recorded in the
    /// audit. An active record is refused: its owner exports it from their space.
    pub async fn support_export(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        reference: &str,
        now: Timestamp,
    ) -> Result<(Vec<u8>, SupportExport), AppError> {
        let (p, reference) = self.export_request(actor, patient_id, reference).await?;
        let kind = match p.record_state {
            AccountState::Closed => SupportExport::Legal,
            AccountState::Inactive => SupportExport::OnRequest,
            AccountState::Erased => return Err(AppError::NotFound),
            _ => {
                return Err(AppError::conflict(
                    "record_active",
                    "La personne exporte elle-même son dossier depuis son espace (Mon compte, \
                     Exporter mon dossier).",
                ))
            }
        };
        let bytes = self
            .support_archive(actor, &p, &reference, kind, now)
            .await?;
        Ok((bytes, kind))
    }

    /// Support only: the legal export of a deceased person's record for an heir, after support
    /// checked the heir's identity and justification (recorded in the audit, sealed under the
    /// record's key). Refused for a person whose death is not recorded; a death does not block
    /// it, whatever the record's state (only an erased record is gone).
    pub async fn heir_export(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        request: &HeirRequest,
        now: Timestamp,
    ) -> Result<Vec<u8>, AppError> {
        let (p, justification) = self
            .export_request(actor, patient_id, &request.justification)
            .await?;
        let heir = request.heir_name.trim();
        if heir.is_empty() || heir.chars().count() > 200 {
            return Err(AppError::invalid(
                "heir_name_required",
                "Indiquez le nom de l'ayant droit, tel qu'il figure sur sa pièce d'identité (200 caractères au plus).",
            ));
        }
        AppError::check_typed("heir_name_required", "nom de l'ayant droit", heir, false)?;
        if p.record_state == AccountState::Erased {
            return Err(AppError::NotFound);
        }
        if p.died_on.is_none() {
            return Err(AppError::conflict(
                "not_deceased",
                "Le décès de cette personne n'est pas enregistré : un ayant droit ne peut pas \
                 recevoir son dossier.",
            ));
        }
        let (bytes, count) = self.record_archive(&p, true, now).await?;
        let heir = self
            .seal_for_audit(&p.id, "heir", heir, now.millis())
            .await?;
        let justification = self
            .seal_for_audit(&p.id, "justification", &justification, now.millis())
            .await?;
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            patient_id: Some(p.id.to_string()),
            detail: json!({
                "heir": heir, "relationship": request.relationship.as_str(),
                "justification": justification, "documents": count, "bytes": bytes.len(),
            }),
            ..NewEvent::new(ActorKind::Support, "patient.export.heir", Outcome::Success)
        };
        self.record_event(ev, now.millis()).await?;
        Ok(bytes)
    }

    /// Checks the actor (support) and the reference of an export request.
    async fn export_request(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        reference: &str,
    ) -> Result<(patients::PatientRow, String), AppError> {
        actor.require(mds_domain::AccountKind::Support)?;
        let reference = reference.trim();
        if reference.is_empty() || reference.chars().count() > 200 {
            return Err(AppError::invalid(
                "reference_required",
                "Indiquez la référence de la demande (200 caractères au plus).",
            ));
        }
        AppError::check_typed(
            "reference_required",
            "référence de la demande",
            reference,
            false,
        )?;
        let p = patients::by_id(&self.db, patient_id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok((p, reference.to_owned()))
    }

    async fn support_archive(
        &self,
        actor: &Actor,
        p: &patients::PatientRow,
        reference: &str,
        kind: SupportExport,
        now: Timestamp,
    ) -> Result<Vec<u8>, AppError> {
        let legal = kind == SupportExport::Legal;
        let (bytes, count) = self.record_archive(p, legal, now).await?;
        let action = if legal {
            "patient.legal_export"
        } else {
            "patient.export.on_request"
        };
        let reference = self
            .seal_for_audit(&p.id, "reference", reference, now.millis())
            .await?;
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            patient_id: Some(p.id.to_string()),
            detail: json!({ "reference": reference, "documents": count, "bytes": bytes.len() }),
            ..NewEvent::new(ActorKind::Support, action, Outcome::Success)
        };
        self.record_event(ev, now.millis()).await?;
        Ok(bytes)
    }

    /// Writes `profile.json` (every entry of the health profile, typed, with its author and
    /// its French line, by section emergency first and series by day) and returns the
    /// sections that hold something, for the index.
    async fn export_profile(
        &self,
        archive: &mut Archive,
        p: &patients::PatientRow,
    ) -> Result<Vec<(String, Vec<String>)>, AppError> {
        let mut rows = mds_store::profile::for_patient(&self.db, &p.id).await?;
        rows.sort_by(|a, b| {
            (a.entry.section(), a.entry.day(), a.recorded_at_ms).cmp(&(
                b.entry.section(),
                b.entry.day(),
                b.recorded_at_ms,
            ))
        });
        let mut sections = Vec::new();
        let mut index = Vec::new();
        for section in Section::ALL {
            let of: Vec<_> = rows
                .iter()
                .filter(|r| r.entry.section() == section)
                .collect();
            let entries: Vec<serde_json::Value> = of
                .iter()
                .map(|r| {
                    json!({
                        "id": r.id, "entry": r.entry, "summary": r.entry.summary_fr(),
                        "author_name": r.author_name,
                        "by_professional": r.author_kind != ActorKind::Patient,
                        "recorded_at": Timestamp::from_millis(r.recorded_at_ms).to_rfc3339(),
                    })
                })
                .collect();
            sections.push(json!({
                "section": section, "label": section.label_fr(), "entries": entries,
            }));
            if !of.is_empty() {
                let lines = of
                    .iter()
                    .map(|r| format!("{} — ajouté par {}", r.entry.summary_fr(), r.author_name))
                    .collect();
                index.push((section.label_fr().to_owned(), lines));
            }
        }
        archive.add_json("profile.json", &json!({ "sections": sections }))?;
        Ok(index)
    }

    /// The archive of a record and the number of documents in it.
    pub(crate) async fn record_archive(
        &self,
        p: &patients::PatientRow,
        include_hidden: bool,
        now: Timestamp,
    ) -> Result<(Vec<u8>, usize), AppError> {
        let pool = &self.db;
        let mut archive = Archive::new();
        let life = patients::life(pool, &p.id).await?.unwrap_or_default();
        archive.add_json(
            "identity.json",
            &json!({
                "patient": PatientSummary::of(p),
                "identifier_kind": p.identifier_kind,
                "cafat": p.identifier_number,
                "validated_how": p.validated_how,
                "validated_at": p.validated_at_ms.map(|m| Timestamp::from_millis(m).to_rfc3339()),
                "created_at": Timestamp::from_millis(p.created_at_ms).to_rfc3339(),
                "email": p.email,
                "phone": p.phone,
            }),
        )?;
        let mut listed = Vec::new();
        let mut entries = Vec::new();
        let mut names = Names::default();
        for d in documents::current_for_patient(pool, &p.id).await? {
            if d.hidden_from_patient && !include_hidden {
                continue;
            }
            let content = match &d.content {
                Some(c) => self.sealed_content(c).await?,
                None => continue,
            };
            let path = names.name(&d.act_date, &d.title, d.format.extension());
            archive.add(&path, &content)?;
            entries.push(Entry {
                act_date: d.act_date.clone(),
                title: d.title.clone(),
                kind: DocumentType::from_code(&d.type_code)
                    .map_or_else(|| d.type_code.clone(), |t| t.label_fr().to_owned()),
                author: self.author_text(&d).await?,
                file: path.clone(),
            });
            listed.push(json!({
                "id": d.id, "file": path, "type_code": d.type_code, "class_code": d.class_code,
                "title": d.title, "act_date": d.act_date, "author_account_id": d.author_account_id,
                "author_structure_id": d.author_structure_id, "source": d.source,
                "format": d.format, "size": d.size_bytes, "sha256": d.sha256,
                "version": d.version, "confidential": d.confidential,
                "created_at": Timestamp::from_millis(d.created_at_ms).to_rfc3339(),
            }));
        }
        archive.add_json("documents.json", &json!(listed))?;
        // Newest first, as the record view lists them.
        entries.sort_by(|a, b| b.act_date.cmp(&a.act_date));
        let first: Vec<String> = serde_json::from_str(&p.first_names).unwrap_or_default();
        let who = format!(
            "{} {}, né(e) le {}, {} {}",
            p.birth_name.to_uppercase(),
            first.join(" "),
            export_index::date_fr(&p.birth_date),
            p.identifier_kind.label(),
            p.identifier_number
        );
        let generated = now.to_noumea_display();
        let profile = self.export_profile(&mut archive, p).await?;
        archive.add(
            "index.html",
            export_index::index_html(&who, &generated, &entries, &profile).as_bytes(),
        )?;
        archive.add(
            "index.pdf",
            &export_pdf::document(
                "Mon dossier Mon Drive Santé",
                &export_index::index_lines(&who, &generated, &entries, &profile),
            ),
        )?;
        let mut team = Vec::new();
        for m in care_team::members(pool, &p.id).await? {
            let pro = directory::professional(pool, &m.professional_account_id).await?;
            team.push(json!({
                "professional_account_id": m.professional_account_id,
                "name": pro.as_ref().map(|x| format!("{} {}", x.first_name, x.last_name)),
                "profession": pro.map(|x| x.profession),
                "attending_physician": m.attending_physician,
                "added_at": Timestamp::from_millis(m.added_at_ms).to_rfc3339(),
            }));
        }
        archive.add_json("care_team.json", &json!(team))?;
        archive.add_json(
            "settings.json",
            &json!({
                "record_state": p.record_state,
                "erasure_requested_at": life.erasure_requested_at_ms.map(|m| Timestamp::from_millis(m).to_rfc3339()),
            }),
        )?;
        let audience = if include_hidden {
            Audience::Authority
        } else {
            Audience::Owner
        };
        let newest = self.export_history(&mut archive, p, audience).await?;
        self.export_audit_proofs(&mut archive, p, newest, !include_hidden, now)
            .await?;
        let key = self.published_signing_key(now).await?;
        Ok((archive.finish(now, &key)?, listed.len()))
    }
}
