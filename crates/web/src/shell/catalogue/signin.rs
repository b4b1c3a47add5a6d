//! The two steps of signing in (password, then the authenticator's code): (key, French, English).

pub const ENTRIES: &[super::Entry] = &[
    ("signin.step1", "Étape 1 sur 2 : votre identifiant et votre mot de passe.", "Step 1 of 2: your login and password."),
    ("signin.continue", "Continuer", "Continue"),
    ("signin.wrong", "Identifiant ou mot de passe incorrect.", "Wrong login or password."),
    ("signin.step2.title", "Code de votre application d'authentification", "Code from your authenticator app"),
    ("signin.step2", "Étape 2 sur 2. Pour protéger votre dossier, Mon Drive Santé vérifie que c'est bien vous : ouvrez sur votre téléphone l'application d'authentification que vous avez configurée à l'activation de votre compte et saisissez le code à 6 chiffres qu'elle affiche pour Mon Drive Santé.", "Step 2 of 2. To protect your record, Mon Drive Santé checks that it is really you: open on your phone the authenticator app you set up when your account was activated and enter the 6-digit code it shows for Mon Drive Santé."),
    ("signin.code.hint", "Le code change toutes les 30 secondes : saisissez celui qui est affiché maintenant, sans espace. Vous avez 5 minutes et 3 essais.", "The code changes every 30 seconds: enter the one shown now, without spaces. You have 5 minutes and 3 tries."),
    ("signin.code.wrong", "Code incorrect. Saisissez le code affiché maintenant par votre application (il change toutes les 30 secondes).", "Wrong code. Enter the code your app shows now (it changes every 30 seconds)."),
    ("signin.restart", "Recommencer la connexion", "Start signing in again"),
    ("signin.restart.hint", "Vous saisirez à nouveau votre identifiant et votre mot de passe.", "You will enter your login and password again."),
    ("signin.restarted", "La connexion a été interrompue : le délai de 5 minutes est dépassé ou trop de codes incorrects ont été saisis. Recommencez avec votre identifiant et votre mot de passe.", "Signing in was interrupted: the 5 minutes have passed or too many wrong codes were entered. Start again with your login and password."),
];
