/// The words of Herald's pages and confirmation mail, in French or English (the site's
/// language decides; any other language gets English). The French ones follow French
/// typography: no-break spaces inside « guillemets » and before `:`, `?` and `!`.
struct PageText: Sendable {
    let feeds: String
    let allFeeds: String
    let siteFeeds: String
    let byTag: String
    let byAuthor: String
    let newsletters: String
    let email: String
    let nameOptional: String
    let leaveEmpty: String
    let subscribe: String
    let checkInboxTitle: String
    let checkInbox: String
    let badEmailTitle: String
    let badEmail: String
    let unknownNewsletter: String
    let tooManyTitle: String
    let tooMany: String
    let confirmTitle: String
    let confirmPrompt: @Sendable (String) -> String
    let confirmButton: String
    let confirmedTitle: String
    let confirmed: @Sendable (String) -> String
    let badLinkTitle: String
    let badLink: String
    let unsubscribeTitle: String
    let unsubscribePrompt: String
    let unsubscribeButton: String
    let unsubscribedTitle: String
    let unsubscribed: String
    let notFoundTitle: String
    let notFound: String
    let backHome: String
    let noNewsletters: String
    let mailSubject: @Sendable (String) -> String
    let mailBody: @Sendable (_ newsletter: String, _ site: String, _ link: String, _ hours: Int) -> String

    static func forLanguage(_ language: String) -> PageText {
        language.lowercased().hasPrefix("fr") ? .french : .english
    }

    static let french = PageText(
        feeds: "Flux", allFeeds: "Tous les flux", siteFeeds: "Tout le site", byTag: "Par mot-clé", byAuthor: "Par auteur",
        newsletters: "Lettres d’information", email: "Adresse électronique", nameOptional: "Nom (facultatif)",
        leaveEmpty: "Laissez ce champ vide", subscribe: "S’abonner",
        checkInboxTitle: "Vérifiez votre boîte aux lettres",
        checkInbox: "Si cette adresse peut recevoir la lettre, un message vient d’y être envoyé. Suivez le lien qu’il contient pour confirmer votre inscription.",
        badEmailTitle: "Adresse non valable", badEmail: "Cette adresse électronique n’est pas valable. Vérifiez-la et réessayez.",
        unknownNewsletter: "Cette lettre d’information n’existe pas.",
        tooManyTitle: "Trop de demandes", tooMany: "Trop de demandes sont venues de votre connexion. Réessayez dans une heure.",
        confirmTitle: "Confirmer l’inscription", confirmPrompt: { "Confirmez-vous votre inscription à «\u{00A0}\($0)\u{00A0}»\u{00A0}?" },
        confirmButton: "Je confirme", confirmedTitle: "Inscription confirmée",
        confirmed: { "Merci\u{00A0}! Vous recevrez désormais «\u{00A0}\($0)\u{00A0}»." },
        badLinkTitle: "Lien non valable", badLink: "Ce lien n’est pas valable ou a expiré. Vous pouvez vous inscrire de nouveau depuis la page d’accueil.",
        unsubscribeTitle: "Se désabonner", unsubscribePrompt: "Voulez-vous ne plus recevoir nos lettres d’information\u{00A0}?",
        unsubscribeButton: "Me désabonner", unsubscribedTitle: "Désabonnement effectué",
        unsubscribed: "Vous ne recevrez plus nos lettres d’information.",
        notFoundTitle: "Page introuvable", notFound: "Cette page n’existe pas.", backHome: "Retour à l’accueil",
        noNewsletters: "Aucune lettre d’information n’est proposée pour le moment.",
        mailSubject: { "Confirmez votre inscription à «\u{00A0}\($0)\u{00A0}»" },
        mailBody: { newsletter, site, link, hours in
            """
            Bonjour,

            Quelqu’un, vous sans doute, a demandé que «\u{00A0}\(newsletter)\u{00A0}» (\(site)) soit envoyée à cette adresse.

            Pour confirmer, ouvrez ce lien puis cliquez sur «\u{00A0}Je confirme\u{00A0}» (il reste valable \(hours)\u{00A0}heures)\u{00A0}:

            \(link)

            Si vous n’avez rien demandé, ignorez ce message\u{00A0}: vous ne recevrez rien de plus.
            """
        })

    static let english = PageText(
        feeds: "Feeds", allFeeds: "All feeds", siteFeeds: "The whole site", byTag: "By tag", byAuthor: "By author",
        newsletters: "Newsletters", email: "Email address", nameOptional: "Name (optional)", leaveEmpty: "Leave this field empty",
        subscribe: "Subscribe", checkInboxTitle: "Check your inbox",
        checkInbox: "If this address can receive the newsletter, a message has just been sent to it. Follow its link to confirm your subscription.",
        badEmailTitle: "Invalid address", badEmail: "This email address is not valid. Please check it and try again.",
        unknownNewsletter: "There is no such newsletter.",
        tooManyTitle: "Too many requests", tooMany: "Too many requests came from your connection. Please try again in an hour.",
        confirmTitle: "Confirm your subscription", confirmPrompt: { "Do you confirm your subscription to “\($0)”?" },
        confirmButton: "Confirm", confirmedTitle: "Subscription confirmed", confirmed: { "Thank you! You will now receive “\($0)”." },
        badLinkTitle: "Invalid link", badLink: "This link is not valid or has expired. You can sign up again from the home page.",
        unsubscribeTitle: "Unsubscribe", unsubscribePrompt: "Do you want to stop receiving our newsletters?",
        unsubscribeButton: "Unsubscribe", unsubscribedTitle: "Unsubscribed", unsubscribed: "You will not receive our newsletters any more.",
        notFoundTitle: "Page not found", notFound: "There is no such page.", backHome: "Back to the home page",
        noNewsletters: "No newsletter is offered at the moment.",
        mailSubject: { "Confirm your subscription to “\($0)”" },
        mailBody: { newsletter, site, link, hours in
            """
            Hello,

            Someone, probably you, asked for “\(newsletter)” from \(site) to be sent to this address.

            To confirm, open this link and press “Confirm” (it works for \(hours) hours):

            \(link)

            If you did not ask for anything, ignore this message: nothing more will be sent.
            """
        })
}
