// herald-mail-bench: renders, composes (and optionally DKIM-signs) personalised digest
// messages and sends them through SMTPTransport, timing the whole pipeline.
//
//   herald-mail-bench --url smtp://127.0.0.1:PORT --count 20000 --concurrency 4
//                     [--dkim-key FILE.pem --dkim-algorithm ed25519] [--size 20480]
//
// Prints one JSON line: {count, sent, failed, seconds, msgs_per_s, avg_bytes, ...}; exits 1 if
// any message was not sent, 2 on bad arguments or setup errors.
//
// What is timed, per message: DigestRenderer (the built-in Mustache templates) for one
// recipient (a different address and name each time), the personal unsubscribe token
// (SubscriberTokens, HMAC-SHA256), DigestComposer (RFC 5322 + MIME + quoted-printable, a
// unique Message-ID), DKIM signing when asked, and the SMTP transaction through
// SMTPTransport (libcurl, `concurrency` connections, each reused).
//
// Pipelining: production and sending overlap. `SMTPTransport.deliver(count:making:)` has each
// of the `concurrency` transport threads compose the next recipient's message itself and send
// it, so composing one overlaps with the other connections' network waits, no message changes
// threads, and memory holds about one message per connection.
// Composition time is inside the measurement: the clock starts before the first message is
// rendered and stops when the last outcome has come back.
//
// Not timed (setup): parsing arguments, loading the DKIM key, compiling the templates, making
// the items, and sizing them (rendering a few sample messages to reach `--size` bytes).

import Digests
import Foundation
import Synchronization
import Mail
import MarkdownRendering
import SMTPTransport
import XMLWriting

// MARK: - Arguments

struct Options {
    var url = ""
    var count = 20_000
    var concurrency = 4
    var size = 20_480
    var dkimKey: String?
    var dkimAlgorithm: String?

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var index = 0
        func value(_ name: String) -> String {
            index += 1
            guard index < arguments.count else { fail("\(name) needs a value") }
            return arguments[index]
        }
        func integer(_ name: String) -> Int {
            let text = value(name)
            guard let number = Int(text), number > 0 else { fail("\(name): \(text) is not a positive integer") }
            return number
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--url": options.url = value(argument)
            case "--count": options.count = integer(argument)
            case "--concurrency": options.concurrency = integer(argument)
            case "--size": options.size = integer(argument)
            case "--dkim-key": options.dkimKey = value(argument)
            case "--dkim-algorithm": options.dkimAlgorithm = value(argument)
            case "-h", "--help":
                print(
                    "usage: herald-mail-bench --url smtp://HOST:PORT [--count N] [--concurrency N] [--size BYTES] "
                        + "[--dkim-key FILE.pem [--dkim-algorithm ed25519|rsa-sha256]]")
                exit(0)
            default: fail("unknown argument \(argument)")
            }
            index += 1
        }
        guard options.url.hasPrefix("smtp://") else { fail("--url smtp://HOST:PORT is required") }
        if options.dkimAlgorithm != nil, options.dkimKey == nil { fail("--dkim-algorithm needs --dkim-key") }
        return options
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("herald-mail-bench: \(message)\n".utf8))
    exit(2)
}

// MARK: - The digest's content (French, deterministic)

enum Corpus {
    static let sentences = [
        "La municipalité a présenté mardi soir son projet de réaménagement des berges, très attendu par les riverains.",
        "« Nous voulons une ville où l’on respire », a déclaré l’adjointe chargée de l’urbanisme, sous les applaudissements.",
        "Le chantier, estimé à 4,2 millions d’euros, devrait débuter à l’automne et durer dix-huit mois.",
        "Les commerçants du quartier s’inquiètent toutefois des travaux : « Qui viendra encore chez nous pendant un an et demi ? »",
        "À l’école Jules-Ferry, les élèves de CM2 ont rencontré un écrivain venu parler de son dernier roman.",
        "L’œuvre, qui raconte l’enfance d’un garçon dans une vallée des Pyrénées, a séduit les jeunes lecteurs.",
        "Le conseil départemental a voté une aide exceptionnelle aux agriculteurs touchés par la grêle du mois de juin.",
        "Près de cent vingt exploitations ont déclaré des dégâts, principalement dans les vergers et les vignes.",
        "Au musée des Beaux-Arts, l’exposition consacrée aux peintres régionaux du XIXᵉ siècle a dépassé les 30 000 visiteurs.",
        "Les organisateurs prolongent l’événement de trois semaines, jusqu’au 15 septembre inclus.",
        "Côté sport, l’équipe locale s’est imposée 3 à 1 face à son voisin, dans un stade comble et bouillant.",
        "L’entraîneur a salué « un état d’esprit irréprochable » et une défense enfin solide après un début de saison difficile.",
        "La médiathèque propose désormais des ateliers numériques gratuits pour les seniors, chaque jeudi après-midi.",
        "On y apprend à envoyer des photos à ses petits-enfants, à remplir sa déclaration d’impôts en ligne ou à repérer les arnaques.",
        "Le festival de musique & cinéma en plein air revient pour sa douzième édition, avec une programmation éclectique.",
        "Des concerts de jazz, des films d’animation et des bals populaires rythmeront les soirées du 10 au 20 juillet.",
        "La préfète a rappelé les règles de prudence face aux fortes chaleurs annoncées pour la fin de semaine.",
        "Il est conseillé de boire régulièrement, d’éviter les efforts aux heures chaudes et de prendre des nouvelles de ses proches.",
        "Une nouvelle ligne de bus reliera dès la rentrée la gare au centre hospitalier, toutes les quinze minutes.",
        "Les usagers réclamaient cette liaison depuis des années ; la région en assure l’essentiel du financement.",
        "L’association des Amis du patrimoine lance une souscription pour restaurer la chapelle Saint-Éloi, fermée depuis 2019.",
        "Chaque don ouvre droit à une réduction d’impôt, et les plus généreux verront leur nom gravé sur une plaque.",
        "Le marché de producteurs du samedi accueille trois nouveaux stands : un fromager, un apiculteur et une boulangère bio.",
        "« Les clients veulent savoir d’où viennent leurs produits », explique Noémie, installée depuis peu au village voisin.",
        "Enfin, la fête de quartier se tiendra le premier dimanche d’octobre, avec vide-grenier, concours de pétanque et repas partagé.",
        "Les inscriptions sont ouvertes à la maison des associations, du lundi au vendredi, de 9 h à 12 h.",
    ]

    static let titles = [
        "Berges : le grand réaménagement est lancé", "« Un roman pour grandir » : rencontre à l’école Jules-Ferry",
        "Grêle : le Département au secours des vergers", "Peintres d’ici : l’exposition prolongée",
        "Football : victoire 3-1 dans le derby", "Numérique : des ateliers pour les seniors",
        "Musique & cinéma : le festival d’été revient", "Canicule : les bons réflexes",
        "Une ligne de bus gare – hôpital", "Chapelle Saint-Éloi : appel aux dons",
    ]

    static let authors = ["Chloé Dubœuf", "Jérôme N’Diaye", "Héloïse Garçon", "François Lefèvre", "Anaïs Brûlé"]
    static let tags = ["Ville", "Élus & Entreprises", "Culture", "Sport", "Environnement", "Transports", "Patrimoine", "Société"]

    static let firstNames = [
        "Amélie", "Benoît", "Céline", "Désiré", "Éloïse", "Fabrice", "Gaëlle", "Hervé", "Inès", "Jérôme", "Léa",
        "Maël", "Noémie", "Océane", "Pierre", "Raphaël", "Solène", "Thérèse", "Ulysse", "Zoé",
    ]
    static let lastNames = [
        "Dubœuf", "Lefèvre", "Garçon", "Brûlé", "Mercier", "Étienne", "Rousseau", "Faure", "Chevalier", "Lambert",
        "Bonnet", "François", "Martinez", "Legrand", "Gauthier", "Perrin", "Morel", "Girard", "André", "Mathieu", "Blanc",
    ]

    /// The recipient of message `index`: a different address and display name each time.
    static func recipient(_ index: Int) -> (name: String, email: String) {
        let first = firstNames[index % firstNames.count]
        let last = lastNames[(index / firstNames.count) % lastNames.count]
        return ("\(first) \(last) n°\u{A0}\(index)", "abonne\(index)@example.org")
    }

    /// `itemCount` posts whose bodies hold `sentenceCounts[i]` sentences each, in paragraphs
    /// of up to three, with the markup cmark-gfm would give (links, emphasis, a list).
    static func items(sentenceCounts: [Int], now: Date) -> [DigestItem] {
        var cursor = 0
        return sentenceCounts.enumerated().map { index, count in
            var paragraphs: [String] = []
            var current: [String] = []
            for _ in 0..<count {
                current.append(HTMLEscaping.text(sentences[cursor % sentences.count]))
                cursor += 1
                if current.count == 3 {
                    paragraphs.append(current.joined(separator: " "))
                    current = []
                }
            }
            if !current.isEmpty { paragraphs.append(current.joined(separator: " ")) }
            let slug = "article-\(index + 1)"
            let url = "https://www.example.org/posts/2025/\(slug)/"
            var html = ""
            for (number, paragraph) in paragraphs.enumerated() {
                if number == 1 {
                    html += "<p><em>À lire aussi</em> : <a href=\"https://www.example.org/tags/ville/\">nos articles sur la ville</a>.</p>\n"
                }
                html += "<p>\(paragraph)</p>\n"
            }
            html += "<ul>\n<li>Lieu : salle des fêtes</li>\n<li>Entrée libre &amp; gratuite</li>\n</ul>\n"
            return DigestItem(
                title: titles[index % titles.count], url: url,
                date: now.addingTimeInterval(-Double(index) * 7_200), authorName: authors[index % authors.count],
                tags: [tags[index % tags.count], tags[(index + 3) % tags.count]], html: html,
                text: sentences[(index * 2) % sentences.count] + " " + sentences[(index * 2 + 1) % sentences.count])
        }
    }

}

// MARK: - Message production

/// Everything needed to produce message `index`; immutable, shared by all producer tasks.
struct Producer: Sendable {
    let renderer: DigestRenderer
    let composer: DigestComposer
    let items: [DigestItem]
    let sender: EmailAddress
    let date: Date
    let runID: String

    func message(_ index: Int, of digest: PreparedDigest) throws -> OutgoingMessage {
        let recipient = Corpus.recipient(index)
        let address = try EmailAddress(recipient.email)
        let unsubscribe = composer.unsubscribeLinks(for: recipient.email)
        // What DigestMailer does for a delivery: bodies encoded line by line.
        let bodies = digest.bodies(
            recipientName: recipient.name, recipientEmail: recipient.email, unsubscribeURL: unsubscribe.web)
        let bytes = try composer.compose(
            bodies, to: Mailbox(displayName: recipient.name, address: address), unsubscribe: unsubscribe,
            messageID: "\(runID).\(index).weekly@example.org", date: date)
        return OutgoingMessage(sender: sender, recipients: [address], bytes: bytes)
    }
}

/// Sentence counts per item (9 items) so that a message is as close as possible to `size`
/// bytes: sentences are added one item at a time, round robin, while the message fits.
func sizedItems(for size: Int, makeProducer: ([DigestItem]) -> Producer, now: Date) throws -> [DigestItem] {
    let itemCount = 9
    var counts = [Int](repeating: 1, count: itemCount)
    var best = Corpus.items(sentenceCounts: counts, now: now)
    var bestDistance = Int.max
    var next = 0
    for _ in 0..<400 {
        let items = Corpus.items(sentenceCounts: counts, now: now)
        let producer = makeProducer(items)
        let bytes = try producer.message(0, of: producer.renderer.prepare(items, date: now)).bytes.count
        let distance = abs(bytes - size)
        if distance < bestDistance {
            best = items
            bestDistance = distance
        }
        if bytes >= size { break }
        counts[next % itemCount] += 1
        next += 1
    }
    return best
}

// MARK: - Main

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
do {
    try CurlLibrary.initialize()
} catch {
    fail(error.description)
}

let now = Date()
let timeZone = TimeZone(identifier: "Europe/Paris") ?? .gmt
let dkim: DKIMSigner?
if let keyFile = options.dkimKey {
    do {
        dkim = try DKIMSigner(domain: "example.org", selector: "herald", privateKeyFile: URL(fileURLWithPath: keyFile))
    } catch {
        fail("cannot load the DKIM key: \(error)")
    }
    if let wanted = options.dkimAlgorithm {
        let actual = dkim!.algorithm.rawValue
        guard actual == wanted || actual == wanted + "-sha256" else {
            fail("--dkim-algorithm \(wanted) but the key is for \(actual)")
        }
    }
} else {
    dkim = nil
}

let templates: DigestTemplates
do {
    templates = try DigestTemplates()
} catch {
    fail("\(error)")
}
let renderer = DigestRenderer(
    siteTitle: "La Gazette des Berges", siteURL: "https://www.example.org/", newsletterID: "weekly",
    newsletterTitle: "La lettre de la semaine", dates: DigestDates(language: "fr", timeZone: timeZone), templates: templates)
let from = Mailbox(displayName: "La Gazette des Berges", address: try! EmailAddress("lettre@example.org"))
var keyGenerator = SystemRandomNumberGenerator()
let composer = DigestComposer(
    from: from, listID: ListID(name: "La lettre de la semaine", id: "weekly.example.org"),
    publicURL: "https://www.example.org/", tokens: SubscriberTokens(key: (0..<32).map { _ in UInt8.random(in: 0...255, using: &keyGenerator) }),
    dkim: dkim, timeZone: timeZone)
// Fixed width, so that every run's messages (and the sizing below) come out the same length.
let runID = "bench." + String(UInt64.random(in: 1 << 60...UInt64.max), radix: 16)
func makeProducer(_ items: [DigestItem]) -> Producer {
    Producer(renderer: renderer, composer: composer, items: items, sender: from.address, date: now, runID: runID)
}
let producer: Producer
do {
    producer = makeProducer(try sizedItems(for: options.size, makeProducer: makeProducer, now: now))
} catch {
    fail("cannot compose a sample message: \(error)")
}

let transport: SMTPTransport
do {
    transport = try SMTPTransport(settings: SMTPSettings(url: options.url, tls: .none, concurrency: options.concurrency))
} catch {
    fail("cannot set up the SMTP transport: \(error)")
}

let count = options.count
let clock = ContinuousClock()
let start = clock.now
// Once per digest, inside the timed section: the Mustache rendering of everything that is the
// same for every recipient. Then each transport thread composes (and signs) the message of the
// next recipient itself and sends it: composing one overlaps with the others' network waits.
let digest = producer.renderer.prepare(producer.items, date: producer.date)
let composeFailures = Mutex<[String]>([])
let byteCount = Mutex(0)
let outcomes = transport.deliver(count: count) { index in
    do {
        let message = try producer.message(index, of: digest)
        byteCount.withLock { $0 += message.bytes.count }
        return message
    } catch {
        composeFailures.withLock { $0.append("message \(index) could not be composed: \(error)") }
        return nil
    }
}
let sent = outcomes.filter { $0?.isSent == true }.count
let failed = count - sent
let totalBytes = byteCount.withLock { $0 }
let firstFailures = Array((composeFailures.withLock { $0 } + outcomes.compactMap { $0 }.filter { !$0.isSent }.map(\.description)).prefix(5))
let elapsed = clock.now - start
transport.shutdown()

let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
for failure in firstFailures {
    FileHandle.standardError.write(Data("herald-mail-bench: not sent: \(failure)\n".utf8))
}
let summary: [(String, String)] = [
    ("count", "\(count)"), ("sent", "\(sent)"), ("failed", "\(failed)"),
    ("seconds", String(format: "%.4f", seconds)), ("msgs_per_s", String(format: "%.1f", Double(sent) / seconds)),
    ("avg_bytes", "\(count > 0 ? totalBytes / count : 0)"), ("concurrency", "\(options.concurrency)"),
("dkim", dkim.map { "\"\($0.algorithm.rawValue)\"" } ?? "null"),
]
print("{" + summary.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
exit(sent == count ? 0 : 1)
