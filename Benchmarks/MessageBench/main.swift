// herald-message-bench: how fast one core serializes digest messages (RFC 5322 + MIME +
// quoted-printable), encodes quoted-printable, and DKIM-signs a 20 KB message.
//
//   swift run -c release herald-message-bench [--seconds 1]
//
// Prints one line per measurement. These figures used to be printed by unit tests; they live
// here because timings are not test results (they depend on the machine and the build), and
// the mail pipeline as a whole is compared with Postfix's smtp-source by
// Benchmarks/mail_vs_smtp_source.py.

import Foundation
import Mail

let seconds = CommandLine.arguments.firstIndex(of: "--seconds").flatMap { index in
    CommandLine.arguments.dropFirst(index + 1).first.flatMap(Double.init)
} ?? 1.0

/// Runs `body` repeatedly for about `seconds`; returns calls per second and the last result.
func rate(_ body: () throws -> Int) rethrows -> (perSecond: Double, bytes: Int) {
    var bytes = 0
    for _ in 0..<10 { bytes = try body() }  // warm up
    let clock = ContinuousClock()
    let start = clock.now
    var count = 0
    while clock.now - start < .seconds(seconds) {
        for _ in 0..<10 { bytes = try body() }
        count += 10
    }
    let elapsed = clock.now - start
    return (Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18), bytes)
}

func report(_ label: String, _ result: (perSecond: Double, bytes: Int)) {
    print(String(format: "%@: %.1f µs per call, %.0f per second (%d bytes out)", label, 1e6 / result.perSecond, result.perSecond, result.bytes))
}

/// French prose of about `length` bytes, in lines of about 70 characters.
func prose(length: Int) -> String {
    let sentence = "L’œuvre commune des «\u{A0}Élus & Associations\u{A0}» avance\u{A0}: voici les nouvelles de la semaine, "
    var text = ""
    var column = 0
    while text.utf8.count < length {
        for word in sentence.split(separator: " ") {
            text += word
            column += word.count + 1
            if column > 70 { text += "\n"; column = 0 } else { text += " " }
        }
    }
    return text
}

func html(length: Int) -> String {
    var html = "<!DOCTYPE html><html lang=\"fr\"><body>"
    var index = 0
    while html.utf8.count < length {
        html += "<p class=\"post\">L’œuvre commune\u{A0}: <a href=\"https://example.org/posts/\(index)/\">Élus & Associations</a></p>\n"
        index += 1
    }
    return html + "</body></html>\n"
}

func digest(text: String, html: String?) throws -> Message {
    Message(
        from: Mailbox(displayName: "Cœur d’Alène, Rédaction", address: try EmailAddress("news@example.org")),
        to: [Mailbox(displayName: "Dupont, Jean-Œdipe", address: try EmailAddress("jean.dupont@example.org"))],
        subject: "Rencontre «\u{A0}Élus & Associations\u{A0}»\u{A0}: l’œuvre commune\u{A0}!",
        date: Date(timeIntervalSince1970: 1_795_762_800), dateTimeZone: TimeZone(identifier: "Europe/Paris") ?? .gmt,
        messageID: "digest-42.subscriber-7@example.org",
        listID: ListID(name: "Lettre «\u{A0}Élus\u{A0}» de l’œuvre", id: "weekly.example.org"),
        listUnsubscribe: ["https://example.org/unsubscribe/T0K3N", "mailto:unsubscribe@example.org?subject=T0K3N"],
        listUnsubscribePost: true, additionalHeaders: [], textBody: BodyText(text), htmlBody: html.map { BodyText($0) })
}

#if DEBUG
print("warning: a debug build; run `swift run -c release herald-message-bench` for real figures")
#endif

let cases: [(String, Message)] = [
    ("serialize, headers only", try digest(text: "x", html: nil)),
    ("serialize, 20 KB (10 KB text + 10 KB HTML)", try digest(text: prose(length: 10_000), html: html(length: 10_000))),
    ("serialize, 20 KB text only", try digest(text: prose(length: 20_000), html: nil)),
    ("serialize, 40 KB (20 KB text + 20 KB HTML)", try digest(text: prose(length: 20_000), html: html(length: 20_000))),
]
for (label, message) in cases {
    report(label, try rate { try message.serialized().count })
}
let text = prose(length: 20_000)
report("QuotedPrintable.encode, 20 KB of French prose", rate { QuotedPrintable.encode(text).count })

// DKIM: keys made by openssl in a temporary folder (the ones an admin would make).
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-message-bench-\(getpid())")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }
let message = try digest(text: prose(length: 10_000), html: html(length: 10_000)).serialized()
for (name, arguments) in [("ed25519", ["-algorithm", "ed25519"]), ("rsa-2048", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"])] {
    let keyFile = folder.appendingPathComponent("\(name).pem")
    let openssl = Process()
    openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    openssl.arguments = ["genpkey"] + arguments + ["-out", keyFile.path]
    openssl.standardError = FileHandle.nullDevice
    try openssl.run()
    openssl.waitUntilExit()
    guard openssl.terminationStatus == 0 else { fatalError("openssl genpkey \(name) failed") }
    let signer = try DKIMSigner(domain: "example.org", selector: "herald", privateKeyFile: keyFile)
    let timestamp = Date()
    report("DKIM \(name), \(message.count)-byte message", try rate { try signer.sign(message, timestamp: timestamp).count })
}
