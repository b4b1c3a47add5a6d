//! The texts of notifications, in French and in English. None names a document, its type, a diagnosis, the
//! reason of an emergency access or the purpose of a consent request: an e-mail may be read
//! by someone else. The portal text may name the professional (the patient is signed in).

use super::Kind;
use mds_domain::{Language, Timestamp};

/// One notification: its in-app text and its e-mail, and what it is about (for the portal's
/// words and link; never in the e-mail).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub kind: Kind,
    pub in_app: String,
    pub subject: String,
    pub body: String,
    /// The same texts in English (the account's language chooses the e-mail's; the portal
    /// shows the in-app text of the page's language).
    pub en: English,
    pub about: About,
}

/// A notification's texts in English.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct English {
    pub in_app: String,
    pub subject: String,
    pub body: String,
}

impl English {
    fn new(in_app: impl Into<String>, subject: impl Into<String>, body: impl Into<String>) -> Self {
        Self {
            in_app: in_app.into(),
            subject: subject.into(),
            body: body.into(),
        }
    }

    /// The same text in the portal and in the e-mail.
    fn same(text: impl Into<String>, subject: impl Into<String>) -> Self {
        let text = text.into();
        Self::new(text.clone(), subject, text)
    }
}

/// What a notification is about: the document, the professional who acted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct About {
    pub document_id: Option<String>,
    pub actor_id: Option<String>,
}

const SIGN_IN: &str = "Connectez-vous à Mon Drive Santé pour voir le détail dans votre historique.";
const SIGN_IN_EN: &str = "Sign in to Mon Drive Santé to see the details in your history.";

pub(crate) const FOOTER_EN: &str =
    "\n\n--\nMon Drive Santé, the shared medical record of New Caledonia.\n\
This message is sent automatically: do not reply to it. It contains no medical information.\n";

pub(crate) const FOOTER: &str =
    "\n\n--\nMon Drive Santé, le dossier médical partagé de la Nouvelle-Calédonie.\n\
Ce message est envoyé automatiquement : n'y répondez pas. Il ne contient aucune information \
médicale.\n";

impl Message {
    /// The same message, about `document_id` and the professional `actor_id`.
    pub fn about(mut self, document_id: Option<&str>, actor_id: Option<&str>) -> Self {
        self.about = About {
            document_id: document_id.map(str::to_owned),
            actor_id: actor_id.map(str::to_owned),
        };
        self
    }

    /// Its line in the daily digest: when, and the subject (which names no one).
    pub fn digest_line(&self, at: Timestamp) -> String {
        self.digest_line_in(Language::Fr, at)
    }

    /// Its digest line in `lang`.
    pub fn digest_line_in(&self, lang: Language, at: Timestamp) -> String {
        format!("{} — {}", at.to_noumea_display(), self.subject_in(lang))
    }

    /// The e-mail body: the text and a footer.
    pub fn email_body(&self) -> String {
        self.email_body_in(Language::Fr)
    }

    /// The e-mail body in `lang`.
    pub fn email_body_in(&self, lang: Language) -> String {
        match lang {
            Language::Fr => format!("Bonjour,\n\n{}{FOOTER}", self.body),
            Language::En => format!("Hello,\n\n{}{FOOTER_EN}", self.en.body),
        }
    }

    /// The e-mail subject in `lang`.
    pub fn subject_in(&self, lang: Language) -> &str {
        lang.pick(&self.subject, &self.en.subject)
    }

    pub fn document_added() -> Self {
        let text = "Un nouveau document a été ajouté à votre dossier Mon Drive Santé. \
                    Connectez-vous pour le consulter.";
        Self {
            kind: Kind::DocumentAdded,
            in_app: "Un nouveau document a été ajouté à votre dossier.".to_owned(),
            subject: "Nouveau document dans votre dossier Mon Drive Santé".to_owned(),
            body: text.to_owned(),
            en: English::new(
                "A new document was added to your record.",
                "New document in your Mon Drive Santé record",
                "A new document was added to your Mon Drive Santé record. Sign in to read it.",
            ),
            about: About::default(),
        }
    }

    /// A new version replaces a document (EXI 09); no title, no type.
    pub fn document_replaced() -> Self {
        let text = "Une nouvelle version d'un document de votre dossier Mon Drive Santé a été \
                    déposée ; elle remplace la précédente. Connectez-vous pour la consulter.";
        Self {
            kind: Kind::DocumentReplaced,
            in_app: "Une nouvelle version d'un document de votre dossier a été déposée ; elle \
                     remplace la précédente."
                .to_owned(),
            subject: "Document mis à jour dans votre dossier Mon Drive Santé".to_owned(),
            body: text.to_owned(),
            en: English::new(
                "A new version of a document of your record was deposited; it replaces the \
                 previous one.",
                "Document updated in your Mon Drive Santé record",
                "A new version of a document of your Mon Drive Santé record was deposited; it \
                 replaces the previous one. Sign in to read it.",
            ),
            about: About::default(),
        }
    }

    /// The professional who deposited a document withdrew it (EXI 09); no title, no type.
    pub fn document_withdrawn(professional: &str) -> Self {
        Self {
            kind: Kind::DocumentWithdrawn,
            in_app: format!(
                "Un document a été retiré de votre dossier par le professionnel qui l'avait \
                 déposé : {professional}. L'historique de votre dossier en garde la trace."
            ),
            subject: "Document retiré de votre dossier Mon Drive Santé".to_owned(),
            body: "Un professionnel de santé a retiré de votre dossier Mon Drive Santé un \
                   document qu'il y avait déposé. L'historique de votre dossier en garde la \
                   trace. Connectez-vous pour le voir."
                .to_owned(),
            en: English::new(
                format!(
                    "A document was withdrawn from your record by the professional who had \
                     deposited it: {professional}. Your record's history keeps a trace of it."
                ),
                "Document withdrawn from your Mon Drive Santé record",
                "A health professional withdrew from your Mon Drive Santé record a document \
                 they had deposited. Your record's history keeps a trace of it. Sign in to see it.",
            ),
            about: About::default(),
        }
    }

    pub fn first_access(professional: &str, at: Timestamp) -> Self {
        Self {
            kind: Kind::FirstAccess,
            in_app: format!(
                "{professional} a accédé à votre dossier pour la première fois le {}.",
                at.to_noumea_display()
            ),
            subject: "Un professionnel a accédé à votre dossier Mon Drive Santé".to_owned(),
            body: format!(
                "Un professionnel de santé a accédé pour la première fois à votre dossier Mon \
                 Drive Santé le {}. {SIGN_IN}",
                at.to_noumea_display()
            ),
            en: English::new(
                format!(
                    "{professional} accessed your record for the first time on {}.",
                    at.to_noumea_display()
                ),
                "A professional accessed your Mon Drive Santé record",
                format!(
                    "A health professional accessed your Mon Drive Santé record for the first \
                     time on {}. {SIGN_IN_EN}",
                    at.to_noumea_display()
                ),
            ),
            about: About::default(),
        }
    }

    /// A professional's new access after their first (`access::AccessNotice::Again`).
    pub fn access(professional: &str, at: Timestamp) -> Self {
        Self {
            kind: Kind::Access,
            in_app: format!(
                "{professional} a consulté votre dossier le {}.",
                at.to_noumea_display()
            ),
            subject: "Un professionnel a consulté votre dossier Mon Drive Santé".to_owned(),
            body: format!(
                "Un professionnel de santé a consulté votre dossier Mon Drive Santé le {}. \
                 {SIGN_IN}",
                at.to_noumea_display()
            ),
            en: English::new(
                format!(
                    "{professional} read your record on {}.",
                    at.to_noumea_display()
                ),
                "A professional read your Mon Drive Santé record",
                format!(
                    "A health professional read your Mon Drive Santé record on {}. {SIGN_IN_EN}",
                    at.to_noumea_display()
                ),
            ),
            about: About::default(),
        }
    }

    /// Support's answer to a rectification request: applied (`note` is `None`) or rejected
    /// with its reason (in the portal only: the e-mail says nothing of the identity).
    pub fn rectification(field: &str, note: Option<&str>) -> Self {
        let in_app = match note {
            None => format!(
                "Votre demande de rectification a été acceptée : votre {field} a été corrigé \
                 dans Mon Drive Santé."
            ),
            Some(note) => format!(
                "Votre demande de rectification ({field}) n'a pas été retenue. Motif : {note}"
            ),
        };
        Self {
            kind: Kind::Rectification,
            in_app,
            subject: "Réponse à votre demande de rectification — Mon Drive Santé".to_owned(),
            body: format!(
                "Le support de Mon Drive Santé a répondu à votre demande de rectification. \
                 {SIGN_IN}"
            ),
            en: English::new(
                match note {
                    None => format!(
                        "Your rectification request was accepted: your {field} was corrected \
                         in Mon Drive Santé."
                    ),
                    Some(note) => format!(
                        "Your rectification request ({field}) was not accepted. Reason: {note}"
                    ),
                },
                "Answer to your rectification request — Mon Drive Santé",
                format!(
                    "Mon Drive Santé support answered your rectification request. {SIGN_IN_EN}"
                ),
            ),
            about: About::default(),
        }
    }

    /// Support limited the record's use, or lifted the limitation, on the patient's request.
    pub fn limitation(limited: bool) -> Self {
        let (in_app, body) = if limited {
            (
                "À votre demande, l'utilisation de votre dossier est limitée : les \
                 professionnels ne peuvent plus le consulter ni l'alimenter, sauf accès \
                 d'urgence, jusqu'à la levée de la limitation.",
                "À votre demande, le support a limité l'utilisation de votre dossier Mon Drive \
                 Santé.",
            )
        } else {
            (
                "La limitation de votre dossier est levée : les règles d'accès habituelles \
                 s'appliquent de nouveau.",
                "Le support a levé la limitation de votre dossier Mon Drive Santé.",
            )
        };
        Self {
            kind: Kind::Limitation,
            in_app: in_app.to_owned(),
            subject: "Limitation de votre dossier Mon Drive Santé".to_owned(),
            body: format!("{body} {SIGN_IN}"),
            en: English::new(
                if limited {
                    "At your request, the use of your record is limited: professionals can no \
                     longer read it or add to it, except for an emergency access, until the \
                     limitation is lifted."
                } else {
                    "The limitation of your record is lifted: the usual access rules apply \
                     again."
                },
                "Limitation of your Mon Drive Santé record",
                if limited {
                    format!(
                        "At your request, support limited the use of your Mon Drive Santé \
                         record. {SIGN_IN_EN}"
                    )
                } else {
                    format!("Support lifted the limitation of your Mon Drive Santé record. {SIGN_IN_EN}")
                },
            ),
            about: About::default(),
        }
    }

    pub fn emergency(samu: bool, professional: &str, at: Timestamp) -> Self {
        let (kind, what) = if samu {
            (Kind::Samu, "un accès de régulation du SAMU")
        } else {
            (Kind::BreakGlass, "un accès d'urgence (bris de glace)")
        };
        let when = at.to_noumea_display();
        Self {
            kind,
            in_app: format!("{professional} a ouvert {what} à votre dossier le {when}."),
            subject: "Accès d'urgence à votre dossier Mon Drive Santé".to_owned(),
            body: format!(
                "Un professionnel de santé a ouvert {what} à votre dossier Mon Drive Santé le \
                 {when}. {SIGN_IN} Si vous vous opposez à ces accès, vous pouvez le \
                 paramétrer dans votre espace."
            ),
            en: English::new(
                format!(
                    "{professional} opened {what_en} to your record on {when}.",
                    what_en = if samu {
                        "a SAMU regulation access"
                    } else {
                        "an emergency (break-glass) access"
                    }
                ),
                "Emergency access to your Mon Drive Santé record",
                format!(
                    "A health professional opened {what_en} to your Mon Drive Santé record on \
                     {when}. {SIGN_IN_EN} If you object to these accesses, you can set it in \
                     your space.",
                    what_en = if samu {
                        "a SAMU regulation access"
                    } else {
                        "an emergency (break-glass) access"
                    }
                ),
            ),
            about: About::default(),
        }
    }

    /// `code`: the one-time code to read to the professional (active accounts).
    /// The one-time code in a consent request's in-app text ([`Message::consent_request`]),
    /// for the request's own card in the portal.
    pub fn consent_code_in(in_app: &str) -> Option<&str> {
        let rest = in_app.split_once("ce code : ")?.1;
        let code = rest.get(..6)?;
        code.bytes().all(|b| b.is_ascii_digit()).then_some(code)
    }

    pub fn consent_request(professional: &str, code: &str, valid_until: Timestamp) -> Self {
        let until = valid_until.to_noumea_display();
        let how = format!(
            "Si ce professionnel vous le demande en votre présence et que vous êtes d'accord, \
             communiquez-lui ce code : {code} (valable jusqu'au {until}). Vous pouvez aussi \
             accepter ou refuser la demande depuis votre espace."
        );
        Self {
            kind: Kind::ConsentRequest,
            in_app: format!("{professional} demande à accéder à votre dossier. {how}"),
            subject: "Demande d'accès à votre dossier Mon Drive Santé".to_owned(),
            body: format!(
                "Un professionnel de santé demande à accéder à votre dossier Mon Drive Santé. \
                 {how}"
            ),
            en: English::new(
                format!(
                    "{professional} asks to access your record. If this professional asks you \
                     in person and you agree, give them this code: {code} (valid until \
                     {until}). You can also accept or refuse the request from your space."
                ),
                "Access request to your Mon Drive Santé record",
                format!(
                    "A health professional asks to access your Mon Drive Santé record. If this \
                     professional asks you in person and you agree, give them this code: {code} \
                     (valid until {until}). You can also accept or refuse the request from your \
                     space."
                ),
            ),
            about: About::default(),
        }
    }

    pub fn announcement_reminder() -> Self {
        let text = "Un document de votre dossier Mon Drive Santé vous sera présenté lors d'une \
                    consultation avec un professionnel de santé. Prenez rendez-vous avec le \
                    professionnel qui vous suit.";
        Self {
            kind: Kind::AnnouncementReminder,
            in_app: text.to_owned(),
            subject: "Un document attend une consultation".to_owned(),
            body: text.to_owned(),
            en: English::same(
                "A document of your Mon Drive Santé record will be presented to you during a \
                 consultation with a health professional. Make an appointment with the \
                 professional who follows you.",
                "A document is waiting for a consultation",
            ),
            about: About::default(),
        }
    }

    /// To the depositing professional, when auto-release is off.
    pub fn depositor_reminder(deposited_at: Timestamp) -> Self {
        let text = format!(
            "Un document que vous avez déposé le {} est toujours masqué au patient dans \
             l'attente d'une consultation d'annonce. Organisez cette consultation ou rendez le \
             document visible au patient.",
            deposited_at.to_noumea_display()
        );
        Self {
            kind: Kind::DepositorReminder,
            in_app: text.clone(),
            subject: "Rappel : un document est masqué au patient".to_owned(),
            body: text,
            en: English::same(
                format!(
                    "A document you deposited on {} is still hidden from the patient until an \
                     announcement consultation. Arrange this consultation or make the document \
                     visible to the patient.",
                    deposited_at.to_noumea_display()
                ),
                "Reminder: a document is hidden from the patient",
            ),
            about: About::default(),
        }
    }

    pub fn account_activated() -> Self {
        let text = "Votre compte Mon Drive Santé est activé. Vous pouvez consulter votre \
                    dossier et choisir qui y accède.";
        Self {
            kind: Kind::AccountActivated,
            in_app: text.to_owned(),
            subject: "Votre compte Mon Drive Santé est activé".to_owned(),
            body: text.to_owned(),
            en: English::same(
                "Your Mon Drive Santé account is activated. You can read your record and \
                 choose who accesses it.",
                "Your Mon Drive Santé account is activated",
            ),
            about: About::default(),
        }
    }

    pub fn account_closed(at: Timestamp) -> Self {
        let text = format!(
            "Votre compte Mon Drive Santé a été clôturé le {}. Plus aucun professionnel ne peut \
             consulter ni alimenter votre dossier ; il est archivé dix ans puis supprimé.",
            at.to_noumea_display()
        );
        Self {
            kind: Kind::AccountClosed,
            in_app: text.clone(),
            subject: "Votre compte Mon Drive Santé est clôturé".to_owned(),
            body: text,
            en: English::same(
                format!(
                    "Your Mon Drive Santé account was closed on {}. No professional can read or \
                     add to your record any more; it is archived for ten years, then deleted.",
                    at.to_noumea_display()
                ),
                "Your Mon Drive Santé account is closed",
            ),
            about: About::default(),
        }
    }

    pub fn erasure_done() -> Self {
        let text = "Comme vous l'avez demandé, les données de votre dossier Mon Drive Santé ont \
                    été supprimées.";
        Self {
            kind: Kind::ErasureDone,
            in_app: text.to_owned(),
            subject: "Les données de votre dossier Mon Drive Santé sont supprimées".to_owned(),
            body: text.to_owned(),
            en: English::same(
                "As you asked, the data of your Mon Drive Santé record were deleted.",
                "The data of your Mon Drive Santé record are deleted",
            ),
            about: About::default(),
        }
    }

    /// To the owner of a login whose sign-ins keep failing. Says neither from where nor how
    /// many (an e-mail may be read by someone else); the owner's own sign-in still works.
    pub fn sign_in_failures() -> Self {
        let text = "Plusieurs tentatives de connexion à votre compte Mon Drive Santé ont échoué. \
                    Si ce n'était pas vous, quelqu'un essaie peut-être de deviner votre mot de \
                    passe : il ne peut pas se connecter sans votre code de vérification, mais \
                    changez votre mot de passe s'il est utilisé ailleurs, et contactez le \
                    support en cas de doute. Vous pouvez toujours vous connecter normalement.";
        Self {
            kind: Kind::SignInFailures,
            in_app: text.to_owned(),
            subject: "Tentatives de connexion à votre compte Mon Drive Santé".to_owned(),
            body: text.to_owned(),
            en: English::same(
                "Several sign-in attempts to your Mon Drive Santé account failed. If it was not \
                 you, someone may be trying to guess your password: they cannot sign in \
                 without your verification code, but change your password if you use it \
                 elsewhere, and contact support if in doubt. You can still sign in normally.",
                "Sign-in attempts to your Mon Drive Santé account",
            ),
            about: About::default(),
        }
    }

    /// To the account whose password was just changed from one of its sessions.
    pub fn password_changed() -> Self {
        let text = "Le mot de passe de votre compte Mon Drive Santé vient d'être changé, et vos \
                    autres sessions ont été fermées. Si ce n'était pas vous, contactez le \
                    support sans attendre : il bloquera le compte et vous aidera à le \
                    récupérer.";
        Self {
            kind: Kind::PasswordChanged,
            in_app: text.to_owned(),
            subject: "Mot de passe changé sur votre compte Mon Drive Santé".to_owned(),
            body: text.to_owned(),
            en: English::same(
                "The password of your Mon Drive Santé account was just changed, and your other \
                 sessions were closed. If it was not you, contact support at once: they will \
                 block the account and help you recover it.",
                "Password changed on your Mon Drive Santé account",
            ),
            about: About::default(),
        }
    }

    /// A passkey (a second factor) named `name` was added to the account, or removed.
    pub fn passkey_changed(added: bool, name: &str) -> Self {
        let what = if added { "ajoutée à" } else { "retirée de" };
        let text = format!(
            "La clé d'accès « {name} » a été {what} votre compte Mon Drive Santé. Si ce \
             n'était pas vous, contactez le support sans attendre : il bloquera le compte et \
             vous aidera à le récupérer."
        );
        let subject = if added {
            "Nouvelle clé d'accès sur votre compte Mon Drive Santé"
        } else {
            "Clé d'accès retirée de votre compte Mon Drive Santé"
        };
        Self {
            kind: Kind::PasskeyChanged,
            in_app: text.clone(),
            subject: subject.to_owned(),
            body: text,
            en: English::same(
                format!(
                    "The passkey “{name}” was {} your Mon Drive Santé account. If it was not \
                     you, contact support at once: they will block the account and help you \
                     recover it.",
                    if added { "added to" } else { "removed from" }
                ),
                if added {
                    "New passkey on your Mon Drive Santé account"
                } else {
                    "Passkey removed from your Mon Drive Santé account"
                },
            ),
            about: About::default(),
        }
    }

    /// The account's e-mail address (and login) was changed through its confirmation link.
    pub fn contact_changed() -> Self {
        let text = "L'adresse e-mail de votre compte Mon Drive Santé a été changée ; c'est \
                    aussi votre nouvel identifiant de connexion. Si ce n'était pas vous, \
                    contactez le support sans attendre.";
        Self {
            kind: Kind::EmailChanged,
            in_app: text.to_owned(),
            subject: "Adresse e-mail changée sur votre compte Mon Drive Santé".to_owned(),
            body: text.to_owned(),
            en: English::same(
                "The e-mail address of your Mon Drive Santé account was changed; it is also \
                 your new sign-in name. If it was not you, contact support at once.",
                "E-mail address changed on your Mon Drive Santé account",
            ),
            about: About::default(),
        }
    }

    /// To the account whose second factor support removed (a lost phone): a new activation
    /// code was handed over after an identity check; sessions were closed.
    pub fn second_factor_reset() -> Self {
        let text = "Le support de Mon Drive Santé a réinitialisé le second facteur de votre \
                    compte, après avoir vérifié votre identité, et a fermé vos sessions. Le \
                    code d'activation remis par le support vous permet de choisir un mot de \
                    passe et d'enregistrer votre nouveau téléphone. Si vous n'avez rien \
                    demandé, contactez le support sans attendre.";
        Self {
            kind: Kind::SecondFactorReset,
            in_app: text.to_owned(),
            subject: "Second facteur réinitialisé sur votre compte Mon Drive Santé".to_owned(),
            body: text.to_owned(),
            en: English::same(
                "Mon Drive Santé support reset the second factor of your account, after \
                 checking your identity, and closed your sessions. The activation code handed \
                 over by support lets you choose a password and register your new phone. If \
                 you asked for nothing, contact support at once.",
                "Second factor reset on your Mon Drive Santé account",
            ),
            about: About::default(),
        }
    }

    /// To the address of an existing account when a self-enrolment named its e-mail address
    /// or its record. The request is not accepted; support reviews it.
    pub fn enrolment_attempt() -> Self {
        let text = "Une demande d'inscription à Mon Drive Santé a été envoyée avec votre adresse \
                    e-mail ou les informations de votre dossier. Votre compte existe déjà : \
                    cette demande n'a pas été acceptée et le support en est informé. Si ce \
                    n'était pas vous, contactez le support.";
        Self {
            kind: Kind::EnrolmentAttempt,
            in_app: text.to_owned(),
            subject: "Demande d'inscription avec vos informations".to_owned(),
            body: text.to_owned(),
            en: English::same(
                "An enrolment request to Mon Drive Santé was sent with your e-mail address or \
                 your record's details. Your account already exists: this request was not \
                 accepted and support is informed. If it was not you, contact support.",
                "Enrolment request with your details",
            ),
            about: About::default(),
        }
    }

    /// To a legal representative: support recorded (or ended) that they represent someone.
    /// The e-mail names no one: it may be read by someone else.
    pub fn representation(started: bool, person: &str, last_day: &str) -> Self {
        let (in_app, body, subject) = if started {
            (
                format!(
                    "Le support a enregistré que vous êtes le représentant légal de {person}, \
                     jusqu'au {last_day} inclus. Choisissez « Agir pour {person} » sur votre \
                     accueil pour consulter et gérer son dossier ; vos actions y sont tracées \
                     comme celles de son représentant légal."
                ),
                "Le support de Mon Drive Santé a enregistré que vous représentez légalement \
                 une personne. Connectez-vous pour agir sur son dossier. Si vous n'avez rien \
                 demandé, contactez le support sans attendre.",
                "Représentation légale enregistrée sur Mon Drive Santé",
            )
        } else {
            (
                format!(
                    "Votre représentation légale de {person} a pris fin : vous n'avez plus \
                     accès à son dossier."
                ),
                "Le support de Mon Drive Santé a mis fin à une représentation légale que vous \
                 exerciez. Connectez-vous pour voir le détail.",
                "Fin d'une représentation légale sur Mon Drive Santé",
            )
        };
        Self {
            kind: Kind::Representation,
            in_app,
            subject: subject.to_owned(),
            body: body.to_owned(),
            en: if started {
                English::new(
                    format!(
                        "Support recorded that you are the legal representative of {person}, \
                         until {last_day} included. Choose “Act for {person}” on your home page \
                         to read and manage their record; your actions there are recorded as \
                         those of their legal representative."
                    ),
                    "Legal representation recorded on Mon Drive Santé",
                    "Mon Drive Santé support recorded that you legally represent a person. Sign \
                     in to act on their record. If you asked for nothing, contact support at \
                     once.",
                )
            } else {
                English::new(
                    format!(
                        "Your legal representation of {person} has ended: you no longer have \
                         access to their record."
                    ),
                    "End of a legal representation on Mon Drive Santé",
                    "Mon Drive Santé support ended a legal representation you held. Sign in to \
                     see the details.",
                )
            },
            about: About::default(),
        }
    }

    /// To the holder of a record (when they have an account): someone now represents them, or
    /// no longer does.
    pub fn represented(started: bool, representative: &str, last_day: &str) -> Self {
        let in_app = if started {
            format!(
                "Le support a enregistré {representative} comme votre représentant légal, \
                 jusqu'au {last_day} inclus : il peut consulter et gérer votre dossier en votre \
                 nom. Ses actions apparaissent dans votre historique."
            )
        } else {
            format!("{representative} n'est plus votre représentant légal.")
        };
        let body = "Le support de Mon Drive Santé a modifié la représentation légale de votre \
                    dossier. Connectez-vous pour voir le détail. Si vous n'avez rien demandé, \
                    contactez le support sans attendre.";
        Self {
            kind: Kind::Representation,
            in_app,
            subject: "Représentation légale de votre dossier Mon Drive Santé".to_owned(),
            body: body.to_owned(),
            en: English::new(
                if started {
                    format!(
                        "Support recorded {representative} as your legal representative, until \
                         {last_day} included: they can read and manage your record in your \
                         name. Their actions appear in your history."
                    )
                } else {
                    format!("{representative} is no longer your legal representative.")
                },
                "Legal representation of your Mon Drive Santé record",
                "Mon Drive Santé support changed the legal representation of your record. Sign \
                 in to see the details. If you asked for nothing, contact support at once.",
            ),
            about: About::default(),
        }
    }
}
