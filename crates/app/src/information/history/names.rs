//! Resolving the names a history line needs (people, structures, document titles, emergency
//! reasons) from the store, with a cache per page. It decides what the reader may see of a
//! document — the title for the patient unless the document is hidden from them, the type
//! only for anyone else — and nothing else. Labels (professions, document types) are taken in
//! the resolver's language, French unless [`Resolver::in_language`] says otherwise.

use super::render::{detail_str, lower_first, Audience, DocumentName, Names, Person, Professional};
use crate::{App, AppError};
use mds_audit::{ActorKind, AuditQuery, AuditRecord, Outcome};
use mds_domain::{AccountId, DocumentId, DocumentType, Language, StructureId};
use mds_store::{accounts, directory, documents, record_access};
use std::collections::HashMap;

/// Whose point of view the lines are written from.
#[derive(Clone, Debug)]
pub(crate) struct Reader {
    pub audience: Audience,
    /// The reader's account: their own events say « vous ».
    pub account_id: Option<String>,
    /// The record's owner account, when reading one record.
    pub owner_account_id: Option<String>,
}

/// Names looked up once per page.
pub(crate) struct Resolver<'a> {
    app: &'a App,
    reader: Reader,
    language: Language,
    professionals: HashMap<String, Option<Professional>>,
    structures: HashMap<String, Option<String>>,
    documents: HashMap<String, Option<documents::DocumentRow>>,
    /// Accounts named by their display name (legal representatives).
    accounts: HashMap<String, String>,
}

impl<'a> Resolver<'a> {
    pub fn new(app: &'a App, reader: Reader) -> Self {
        Self {
            app,
            reader,
            language: Language::Fr,
            professionals: HashMap::new(),
            structures: HashMap::new(),
            documents: HashMap::new(),
            accounts: HashMap::new(),
        }
    }

    /// The same resolver, naming in `language` (its lines too).
    pub fn in_language(self, language: Language) -> Self {
        Self { language, ..self }
    }

    /// The line of `ev` for this reader, in the resolver's language (French by default).
    pub async fn line(&mut self, ev: &AuditRecord) -> Result<String, AppError> {
        let names = self.names(ev).await?;
        Ok(super::render::line(
            ev,
            &names,
            self.reader.audience,
            self.language,
        ))
    }

    pub async fn names(&mut self, ev: &AuditRecord) -> Result<Names, AppError> {
        let actor = self.person(ev).await?;
        let mut names = Names::of(actor);
        if let Some(id) = &ev.document_id {
            names.document = self.document(id, ev.patient_id.as_deref()).await?;
        }
        names.subject = self.subject(ev).await?;
        names.emergency = self.emergency(ev).await?;
        Ok(names)
    }

    async fn professional(&mut self, account_id: &str) -> Result<Option<Professional>, AppError> {
        if let Some(p) = self.professionals.get(account_id) {
            return Ok(p.clone());
        }
        // Ids come from the audit trail, as text: one that is not an account is nobody.
        let row = match AccountId::parse(account_id) {
            Some(id) => directory::professional(&self.app.db, &id).await?,
            None => None,
        };
        let p = row.map(|r| Professional {
            name: format!("{} {}", r.first_name, r.last_name),
            doctor: r.profession.is_doctor(),
            profession: Some(r.profession.label(self.language).to_owned()),
            structure: None,
        });
        self.professionals.insert(account_id.to_owned(), p.clone());
        Ok(p)
    }

    /// An account's display name, once per page (empty for an account that is gone).
    async fn account_name(&mut self, account_id: &str) -> Result<String, AppError> {
        if let Some(name) = self.accounts.get(account_id) {
            return Ok(name.clone());
        }
        let name = match AccountId::parse(account_id) {
            Some(id) => accounts::by_id(&self.app.db, &id)
                .await?
                .map(|a| a.display_name)
                .unwrap_or_default(),
            None => String::new(),
        };
        self.accounts.insert(account_id.to_owned(), name.clone());
        Ok(name)
    }

    async fn structure(&mut self, id: &str) -> Result<Option<String>, AppError> {
        if let Some(s) = self.structures.get(id) {
            return Ok(s.clone());
        }
        let name = match StructureId::parse(id) {
            Some(id) => directory::structure_by_id(&self.app.db, &id)
                .await?
                .map(|s| s.name),
            None => None,
        };
        self.structures.insert(id.to_owned(), name.clone());
        Ok(name)
    }

    /// A professional with the structure they acted from.
    async fn professional_at(
        &mut self,
        account_id: &str,
        structure_id: Option<&str>,
    ) -> Result<Person, AppError> {
        let Some(mut p) = self.professional(account_id).await? else {
            return Ok(Person::Unknown);
        };
        if let Some(s) = structure_id {
            p.structure = self.structure(s).await?;
        }
        Ok(Person::Professional(p))
    }

    fn is_reader(&self, account_id: Option<&str>) -> bool {
        account_id.is_some() && self.reader.account_id.as_deref() == account_id
    }

    async fn person(&mut self, ev: &AuditRecord) -> Result<Person, AppError> {
        let actor_id = ev.actor_id.as_deref();
        if self.is_reader(actor_id) {
            return Ok(Person::You);
        }
        let structure = ev.structure_id.as_deref();
        Ok(match (ev.actor_kind, actor_id) {
            (ActorKind::Patient, Some(id)) => {
                if self.reader.owner_account_id.as_deref() == Some(id) {
                    Person::Patient
                } else if ev.access_mode.as_deref() == Some("representative") {
                    let name = self.account_name(id).await?;
                    Person::Representative {
                        name,
                        for_owner: self.reader.audience == Audience::Owner,
                    }
                } else {
                    Person::OtherPatient
                }
            }
            (ActorKind::Professional, Some(id)) => self.professional_at(id, structure).await?,
            (ActorKind::Assistant, Some(id)) => {
                let row = match AccountId::parse(id) {
                    Some(id) => directory::assistant(&self.app.db, &id).await?,
                    None => None,
                };
                let for_professional = match ev.on_behalf_of.as_deref() {
                    Some(p) if self.is_reader(Some(p)) => Person::You,
                    Some(p) => self.professional_at(p, structure).await?,
                    None => Person::Unknown,
                };
                match row {
                    Some(a) => Person::Assistant {
                        name: format!("{} {}", a.first_name, a.last_name),
                        for_professional: Box::new(for_professional),
                    },
                    None => Person::Unknown,
                }
            }
            (ActorKind::StructureSoftware, _) => {
                // The professional the software acted for, named without a structure: the
                // structure is the software's, named once.
                let for_professional = match ev.on_behalf_of.as_deref() {
                    Some(p) if self.is_reader(Some(p)) => Person::You,
                    Some(p) => self
                        .professional(p)
                        .await?
                        .map_or(Person::Unknown, Person::Professional),
                    None => Person::Unknown,
                };
                Person::Software {
                    structure: match structure {
                        Some(s) => self.structure(s).await?,
                        None => None,
                    },
                    for_professional: Box::new(for_professional),
                }
            }
            (ActorKind::Support, _) => Person::Support,
            (ActorKind::System, _) => Person::System,
            (ActorKind::Anonymous, _) => Person::Anonymous,
            _ => Person::Unknown,
        })
    }

    /// The patient sees titles, except of documents still hidden from them; others see the
    /// type only. A document of another record than the event's is never named.
    async fn document(
        &mut self,
        id: &str,
        patient_id: Option<&str>,
    ) -> Result<DocumentName, AppError> {
        if !self.documents.contains_key(id) {
            let row = match DocumentId::parse(id) {
                Some(doc) => documents::by_id(&self.app.db, &doc).await?,
                None => None,
            };
            self.documents.insert(id.to_owned(), row);
        }
        let Some(Some(row)) = self.documents.get(id) else {
            return Ok(DocumentName::Unnamed);
        };
        if Some(row.patient_id.as_str()) != patient_id {
            return Ok(DocumentName::Unnamed);
        }
        Ok(match self.reader.audience {
            Audience::Owner if row.hidden_from_patient => DocumentName::Unnamed,
            Audience::Owner => DocumentName::Titled(row.title.clone()),
            Audience::Actor | Audience::Authority => DocumentType::from_code(&row.type_code)
                .map_or(DocumentName::Unnamed, |t| {
                    DocumentName::Typed(t.label(self.language).to_owned())
                }),
        })
    }

    /// The professional an event is about, from its detail (an account id or a consent id).
    async fn subject(&mut self, ev: &AuditRecord) -> Result<Option<String>, AppError> {
        let text = |key: &str| {
            ev.detail
                .get(key)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        let account = match text("professional_account_id") {
            Some(a) => Some(a),
            None => match text("consent_id") {
                Some(c) if ev.action != "consent.code" => {
                    record_access::consent_by_id(&self.app.db, &c)
                        .await?
                        .filter(|row| Some(row.patient_id.as_str()) == ev.patient_id.as_deref())
                        .map(|row| row.professional_account_id.to_string())
                }
                _ => None,
            },
        };
        let Some(account) = account else {
            return Ok(None);
        };
        if self.is_reader(Some(&account)) {
            return Ok(Some(self.language.pick("vous", "you").to_owned()));
        }
        Ok(self.professional(&account).await?.map(|p| {
            let name = if p.doctor {
                format!("Dr {}", p.name)
            } else {
                p.name
            };
            match p.profession {
                Some(label) => format!("{name} ({})", lower_first(&label)),
                None => name,
            }
        }))
    }

    /// The declared reason or call reference of the emergency access an event happened
    /// under: that of the latest opening by the same professional on the same record.
    async fn emergency(&mut self, ev: &AuditRecord) -> Result<Option<String>, AppError> {
        let (action, key) = match ev.access_mode.as_deref() {
            Some("break_glass") => ("record.break_glass.open", "reason"),
            Some("samu") => ("record.samu.open", "call_reference"),
            _ => return Ok(None),
        };
        if ev.action == action || ev.patient_id.is_none() {
            return Ok(None);
        }
        let professional = ev.on_behalf_of.clone().or_else(|| ev.actor_id.clone());
        let q = AuditQuery {
            patient_id: ev.patient_id.clone(),
            involving: professional,
            actions: vec![action.to_owned()],
            outcome: Some(Outcome::Permit),
            before_seq: Some(ev.seq),
            newest_first: true,
            limit: 1,
            ..AuditQuery::default()
        };
        let open = self.app.audit_events(&q).await?;
        Ok(open
            .first()
            .and_then(|o| detail_str(&o.detail, key))
            .map(str::to_owned))
    }
}
