import Foundation
import Testing
import TestSupport

/// `herald subscribers import` and `herald digest send | list | retry` end to end: the real
/// binary, a real SMTP server (aiosmtpd) on 127.0.0.1, real processes killed with SIGKILL.
@Suite(.serialized) struct DigestDeliveryTests {
    // MARK: Crashes

    /// The promise of issue 7: killed at six points during delivery and run again until the
    /// digest is completed, every subscriber gets it; each kill re-sends at most the messages in
    /// flight plus one commit batch, and each copy carries the original Message-ID.
    @Test func killedSendsLoseNobodyAndResendOnlyWhatWasInFlight() throws {
        let subscribers = 2000
        // A short pause before each 250: a kill lands while messages are on the wire.
        let server = try SMTPTestServer(.init(slowData: 0.005, noBodies: true))
        defer { server.stop() }
        let site = try DeliverySite(port: server.port, concurrency: 4, commitBatch: 8)
        defer { site.remove() }
        try site.importSubscribers(0..<subscribers)
        let planned = try site.herald("digest", "send", "hebdo", "--no-wait")
        #expect(planned.status == 0, "\(planned.stdout)\(planned.stderr)")
        #expect(planned.stdout.contains("digest 1 planned: 1 posts, \(subscribers) recipients"), "\(planned.stdout)")

        // The connections the server had accepted when each run started: a message's
        // connection tells which run sent it.
        var runStarts: [Int] = []
        var kills = 0
        for point in (1...6).map({ $0 * subscribers / 7 }) {
            runStarts.append(try server.connectionCount())
            let run = try site.start("digest", "send", "hebdo")
            let deadline = Date().addingTimeInterval(60)
            while try server.messageCount() < point, run.isRunning, Date() < deadline { usleep(2_000) }
            try #require(run.isRunning, "the send ended before the kill at \(point) messages: \(run.stdout)\(run.stderr)")
            #expect(run.kill())
            kills += 1
            #expect(try site.digests().first?["status"] as? String == "sending")
        }
        var finalRuns = 0
        while try site.digests().first?["status"] as? String != "completed", finalRuns < 3 {
            runStarts.append(try server.connectionCount())
            let result = try site.herald("digest", "send", "hebdo")
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("digest 1 (hebdo) is still sending; resuming it"), "\(result.stdout)")
            finalRuns += 1
        }
        #expect(finalRuns == 1)

        let messages = try server.received(includingRejected: true)
        func run(of connection: Int) -> Int { runStarts.lastIndex { $0 < connection } ?? 0 }
        var copies: [String: [(run: Int, messageID: String?)]] = [:]
        for message in messages {
            for recipient in message.rcptTo { copies[recipient, default: []].append((run(of: message.connection), message.messageID)) }
        }
        let everyone = Set((0..<subscribers).map { "s\($0)@example.org" })
        let lost = everyone.subtracting(copies.keys)
        #expect(lost.isEmpty, "never received: \(lost.sorted().prefix(20))")
        #expect(Set(copies.keys) == everyone)
        // A duplicate comes from the run that sent the copy before it: that run was killed
        // before committing the outcome.
        var duplicates = Array(repeating: 0, count: runStarts.count)
        var changedMessageIDs: [String] = []
        for (recipient, list) in copies {
            if Set(list.map(\.messageID)).count != 1 { changedMessageIDs.append(recipient) }
            for index in list.indices.dropFirst() { duplicates[list[index - 1].run] += 1 }
        }
        #expect(changedMessageIDs.isEmpty, "copies with another Message-ID: \(changedMessageIDs.prefix(20))")
        let bound = site.concurrency + site.commitBatch
        for index in 0..<kills { #expect(duplicates[index] <= bound, "kill \(index + 1) re-sent \(duplicates[index]) messages (bound \(bound))") }
        #expect(duplicates[kills...].allSatisfy { $0 == 0 }, "a run that was not killed caused duplicates: \(duplicates)")
        #expect(duplicates.reduce(0, +) == messages.count - everyone.count)

        // Each recipient's Message-ID is the one the store fixed when the digest was planned.
        let rows = try site.deliveryRows(digest: 1)
        #expect(rows.count == subscribers)
        let stored = Dictionary(uniqueKeysWithValues: rows.map { ($0.email, "<\($0.messageID)>") })
        #expect(copies.allSatisfy { recipient, list in list.first?.messageID == stored[recipient] })
        #expect(Set(stored.values).count == subscribers)
        let counts = try site.counts(digest: 1)
        #expect(counts["sent"] == subscribers, "\(counts)")
        print("""
            crash test: \(subscribers) subscribers, \(messages.count) messages, \(kills) kills (SIGKILL at \
            \((1...6).map { $0 * subscribers / 7 }) messages), duplicates per kill \(Array(duplicates[..<kills])) \
            (bound \(bound) = concurrency \(site.concurrency) + commitBatch \(site.commitBatch)), \
            \(duplicates.reduce(0, +)) duplicates in all, \(lost.count) lost, final counts \(counts.filter { $0.value > 0 })
            """)
    }

    /// Kills in quick succession, each a dozen messages into a run, so that rows claimed ahead
    /// (a claim takes 64) are still waiting in the killed process, some for the second time.
    /// Only rows whose message was handed to the transport may end `uncertain`; the others go
    /// back to the queue, however often. With "retry" everyone gets the digest; with "sent"
    /// (count an uncertain row as sent) nothing is ever sent twice, and only messages the
    /// transport had at a kill may be missing. Before rows were marked when handed over, every
    /// claimed row became uncertain: with "sent", ~50 subscribers per kill never got the digest,
    /// and with "retry" a row caught by two kills was given up without ever being sent.
    @Test(arguments: ["retry", "sent"])
    func quickKillsLoseNoRowThatWasOnlyClaimed(policy: String) throws {
        let subscribers = 120
        let server = try SMTPTestServer(.init(slowData: 0.005, noBodies: true))
        defer { server.stop() }
        let site = try DeliverySite(port: server.port, concurrency: 2, commitBatch: 8, delivery: "\"uncertain\": \"\(policy)\"")
        defer { site.remove() }
        try site.importSubscribers(0..<subscribers)
        #expect(try site.herald("digest", "send", "hebdo", "--no-wait").stdout.contains("digest 1 planned"))
        let kills = 4
        for _ in 0..<kills {
            let start = try server.messageCount()
            let run = try site.start("digest", "send", "hebdo")
            let deadline = Date().addingTimeInterval(30)
            while try server.messageCount() < start + 12, run.isRunning, Date() < deadline { usleep(2_000) }
            try #require(run.isRunning, "\(run.stdout)\(run.stderr)")
            #expect(run.kill())
        }
        let final = try site.herald("digest", "send", "hebdo")
        let counts = try site.counts(digest: 1)
        #expect(try site.digests().first?["status"] as? String == "completed")
        let recipients = try server.received(includingRejected: true).flatMap(\.rcptTo)
        let everyone = Set((0..<subscribers).map { "s\($0)@example.org" })
        let lost = everyone.subtracting(recipients)
        let duplicates = recipients.count - Set(recipients).count
        let rows = try site.deliveryRows(digest: 1)
        let uncertain = Set(rows.filter { $0.state == "uncertain" }.map(\.email))
        print("quick kills (uncertain: \(policy)): \(kills) kills, \(recipients.count) messages, \(duplicates) duplicates, \(lost.count) lost, final counts \(counts.filter { $0.value > 0 })")
        if policy == "retry" {
            #expect(final.status == 0, "\(final.stdout)\(final.stderr)")
            #expect(lost.isEmpty, "never received: \(lost.sorted())")
            #expect(counts["sent"] == subscribers, "\(counts)")
            #expect(duplicates <= kills * (site.concurrency + site.commitBatch))
        } else {
            #expect(duplicates == 0)
            #expect(counts["sent", default: 0] + counts["uncertain", default: 0] == subscribers, "\(counts)")
            // Uncertain rows are those handed over at a kill: in the transport or not yet recorded.
            #expect(uncertain.count <= kills * (site.concurrency + site.commitBatch), "\(counts)")
            #expect(lost.count <= kills * site.concurrency && lost.isSubset(of: uncertain), "never received: \(lost.sorted())")
        }
    }

    // MARK: Several workers

    /// Two processes drain the same digest at once: the lease-based queue never hands a row
    /// to both, so everyone gets exactly one message.
    @Test func twoSendersDrainOneDigestWithoutDuplicates() throws {
        let subscribers = 400
        let server = try SMTPTestServer(.init(slowData: 0.005, noBodies: true))
        defer { server.stop() }
        let site = try DeliverySite(port: server.port, concurrency: 2)
        defer { site.remove() }
        try site.importSubscribers(0..<subscribers)
        let planned = try site.herald("digest", "send", "hebdo", "--no-wait")
        #expect(planned.stdout.contains("digest 1 planned"), "\(planned.stdout)\(planned.stderr)")
        let first = try site.start("digest", "send", "hebdo")
        let second = try site.start("digest", "send", "hebdo")
        let statuses = [first.wait(), second.wait()]
        var sentBy: [Int] = []
        for run in [first, second] {
            #expect(run.stdout.contains("digest 1 (hebdo) is still sending; resuming it"), "\(run.stdout)\(run.stderr)")
            // The final progress line counts what this process sent.
            let last = run.stderr.split(separator: "\n").last { $0.contains(" sent ") } ?? ""
            let sent = last.components(separatedBy: " sent ").dropFirst().first?.split(separator: " ").first.flatMap { Int($0) }
            sentBy.append(sent ?? -1)
        }
        #expect(statuses == [0, 0], "\(first.stdout)\(first.stderr)\n\(second.stdout)\(second.stderr)")
        let messages = try server.received(includingRejected: true)
        let recipients = messages.flatMap(\.rcptTo)
        #expect(recipients.count == subscribers, "\(recipients.count - Set(recipients).count) duplicates")
        #expect(Set(recipients) == Set((0..<subscribers).map { "s\($0)@example.org" }))
        #expect(sentBy.allSatisfy { $0 > 0 } && sentBy.reduce(0, +) == subscribers, "sent by each process: \(sentBy)")
        #expect(try site.counts(digest: 1)["sent"] == subscribers)
        #expect(try site.digests().first?["status"] as? String == "completed")
        print("two senders: \(subscribers) subscribers, sent \(sentBy) by each process, \(recipients.count) messages")
    }

    /// A claim that takes longer than a lease (10 s here: twelve messages the server answers
    /// after 1.2 s each, one at a time): the worker renews its leases, so a second send started
    /// meanwhile takes none of its rows and nobody is mailed twice. Without renewal, the second
    /// send released the first one's rows (expired) and sent them while the first still did.
    @Test func aLongClaimKeepsItsRowsWhileItsWorkerLives() throws {
        let subscribers = 12
        let server = try SMTPTestServer(.init(slowData: 1.2, noBodies: true))
        defer { server.stop() }
        let site = try DeliverySite(port: server.port, concurrency: 1, delivery: "\"lease\": 10")
        defer { site.remove() }
        try site.importSubscribers(0..<subscribers)
        let first = try site.start("digest", "send", "hebdo")
        let started = Date()
        while Date().timeIntervalSince(started) < 11.5, first.isRunning { usleep(50_000) }
        try #require(first.isRunning, "\(first.stdout)\(first.stderr)")
        let second = try site.herald("digest", "send", "hebdo")
        #expect(first.wait() == 0, "\(first.stdout)\(first.stderr)")
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        #expect(second.stdout.contains("resuming"), "\(second.stdout)")
        let recipients = try server.received(includingRejected: true).flatMap(\.rcptTo)
        #expect(recipients.count == subscribers, "\(recipients.count - Set(recipients).count) sent twice")
        #expect(Set(recipients).count == subscribers)
        #expect(try site.counts(digest: 1)["sent"] == subscribers)
    }

    /// The server takes a body and drops the connection without answering: the row is
    /// uncertain and due for its one retry, so the command exits 75, not 1; the retry sends it
    /// again with the same Message-ID.
    @Test func anUncertainDeliveryIsRetriedOnceWithItsMessageID() throws {
        let server = try SMTPTestServer(.init(faultMatch: "s2@", faultTimes: 1, dropAfterData: true))
        defer { server.stop() }
        let site = try DeliverySite(port: server.port, concurrency: 1, delivery: "\"firstRetry\": 1")
        defer { site.remove() }
        try site.importSubscribers(0..<4)
        let first = try site.herald("digest", "send", "hebdo")
        #expect(first.status == 75, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("digest 1: 3 sent, 1 uncertain"), "\(first.stdout)")
        let second = try site.herald("digest", "send", "hebdo", "--wait-retries", "30")
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        #expect(second.stdout.contains("digest 1: 4 sent"), "\(second.stdout)")
        let copies = try server.received(includingRejected: true).filter { $0.rcptTo == ["s2@example.org"] }
        #expect(copies.map(\.fault) == ["drop-after-data", nil])
        #expect(copies.count == 2 && copies[0].messageID != nil && copies[0].messageID == copies[1].messageID)
        #expect(try site.deliveryRows(digest: 1).first { $0.email == "s2@example.org" }.map { $0.attempts == 2 && $0.state == "sent" } == true)
    }

    /// Two sends started together, with nothing planned yet: one digest is planned, not two
    /// (before the check and the insert were one transaction, about one round in five planned
    /// two, and everyone would have been mailed twice).
    @Test func twoSendsStartedTogetherPlanOneDigest() throws {
        var doubled = 0
        for _ in 0..<15 {
            let site = try DeliverySite(port: 1)
            defer { site.remove() }
            try site.importSubscribers(0..<3)
            let runs = [try site.start("digest", "send", "hebdo", "--no-wait"), try site.start("digest", "send", "hebdo", "--no-wait")]
            for run in runs { #expect(run.wait() == 0, "\(run.stdout)\(run.stderr)") }
            let outputs = runs.map(\.stdout)
            let digests = try site.digests().count
            if digests != 1 { doubled += 1 }
            #expect(outputs.filter { $0.contains("digest 1 planned") }.count == 1, "\(outputs)")
            #expect(outputs.filter { $0.contains("digest 1 (hebdo) is still sending; resuming it") }.count == 1, "\(outputs)")
        }
        #expect(doubled == 0, "\(doubled) of 15 rounds planned two digests")
    }

    // MARK: Faults

    /// 451 to every message for a while, then 250: all delivered by one command waiting for its
    /// retries, each after three attempts, the second wait about twice the first.
    @Test func temporaryFailuresBackOffThenDeliver() throws {
        let subscribers = 10
        let server = try SMTPTestServer(.init(faultTimes: 2 * subscribers, dataReply: 451))
        defer { server.stop() }
        let site = try DeliverySite(port: server.port, concurrency: 2, delivery: "\"firstRetry\": 1, \"maxRetry\": 60")
        defer { site.remove() }
        try site.importSubscribers(0..<subscribers)
        let result = try site.herald("digest", "send", "hebdo", "--wait-retries", "30")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("digest 1: \(subscribers) sent"), "\(result.stdout)")
        let rows = try site.deliveryRows(digest: 1)
        #expect(rows.count == subscribers)
        #expect(rows.allSatisfy { $0.state == "sent" && $0.attempts == 3 && $0.replyCode == 250 }, "\(rows)")
        let attempts = Dictionary(grouping: try server.received(includingRejected: true), by: { $0.rcptTo.first ?? "" })
        #expect(attempts.count == subscribers)
        for (recipient, list) in attempts {
            #expect(list.map(\.accepted) == [false, false, true], "\(recipient): \(list.map { $0.reply ?? "" })")
            guard list.count == 3 else { continue }
            let first = list[1].time.timeIntervalSince(list[0].time)
            let second = list[2].time.timeIntervalSince(list[1].time)
            // firstRetry 1 s then 2 s, each ±20 % jitter.
            #expect(first >= 0.75 && first < 5, "\(recipient): first wait \(first) s")
            #expect(second >= 1.55 && second > first, "\(recipient): second wait \(second) s after \(first) s")
        }
    }

    /// 550 5.1.1 for some recipients: their rows fail and they become `bounced`, the others are
    /// sent, the command exits 1. `digest retry` queues the failed rows again; a send then skips
    /// the bounced subscribers instead of mailing them.
    @Test func badMailboxesFailAndBounceTheRestIsSent() throws {
        let server = try SMTPTestServer(.init(rcptReply: 550, faultMatch: "bounce"))
        defer { server.stop() }
        let site = try DeliverySite(port: server.port, concurrency: 2)
        defer { site.remove() }
        try site.importSubscribers(0..<18)
        try site.importSubscribers(100..<102, local: { "bounce\($0)" })
        let result = try site.herald("digest", "send", "hebdo")
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("digest 1: 18 sent, 2 failed"), "\(result.stdout)")
        #expect(try site.subscribers(status: "bounced") == ["bounce100@example.org", "bounce101@example.org"])
        #expect(try site.subscribers(status: "confirmed").count == 18)
        let rows = try site.deliveryRows(digest: 1)
        #expect(rows.filter { $0.state == "failed" }.map(\.email) == ["bounce100@example.org", "bounce101@example.org"])
        #expect(rows.filter { $0.state == "failed" }.allSatisfy { $0.replyCode == 550 })
        #expect(try server.received().flatMap(\.rcptTo).count == 18)
        #expect(try site.digests().first?["status"] as? String == "completed")

        let retry = try site.herald("digest", "retry", "1")
        #expect(retry.status == 0, "\(retry.stderr)")
        #expect(retry.stdout.contains("digest 1: 2 deliveries queued again"), "\(retry.stdout)")
        let again = try site.herald("digest", "send", "hebdo")
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.contains("resuming"), "\(again.stdout)")
        #expect(try site.counts(digest: 1).filter { $0.value > 0 } == ["sent": 18, "skipped": 2])
        #expect(try server.received().count == 18, "a bounced subscriber was mailed again")
        #expect(try site.digests().count == 1)
    }

    /// The server is down at first: every row is deferred (exit 75) and the digest stays
    /// sending, so a second send resumes it instead of planning another. Once the server is up,
    /// `digest retry` and a send deliver it; a post published meanwhile goes into the next
    /// digest, whose window starts where the first one's ended.
    @Test func serverDownDefersThenDeliversAndTheWindowWaits() throws {
        let port = try {
            let probe = try SMTPTestServer()
            defer { probe.stop() }
            return probe.port
        }()
        let site = try DeliverySite(port: port, concurrency: 2)
        defer { site.remove() }
        try site.importSubscribers(0..<5)
        let down = try site.herald("digest", "send", "hebdo")
        #expect(down.status == 75, "\(down.stdout)\(down.stderr)")
        #expect(down.stdout.contains("digest 1: 5 deferred"), "\(down.stdout)")
        #expect(try site.digests().first?["status"] as? String == "sending")

        // Published while the digest is still sending.
        try site.post("second.md", title: "Second billet Zebra", daysAgo: 1)
        let resumed = try site.herald("digest", "send", "hebdo", "--no-wait")
        #expect(resumed.status == 0)
        #expect(resumed.stdout.contains("digest 1 (hebdo) is still sending; resuming it"), "\(resumed.stdout)")
        #expect(try site.digests().count == 1)

        let server = try SMTPTestServer(port: port)
        defer { server.stop() }
        let retry = try site.herald("digest", "retry", "1")
        #expect(retry.stdout.contains("digest 1: 5 deliveries queued again"), "\(retry.stdout)\(retry.stderr)")
        let up = try site.herald("digest", "send", "hebdo")
        #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
        #expect(up.stdout.contains("digest 1: 5 sent"), "\(up.stdout)")
        func bodies() throws -> [String] {
            try server.received().map { $0.text.replacingOccurrences(of: "=\r\n", with: "") }
        }
        #expect(try bodies().count == 5)
        #expect(try bodies().allSatisfy { $0.contains("Premier billet") && !$0.contains("Zebra") })

        let next = try site.herald("digest", "send", "hebdo")
        #expect(next.status == 0, "\(next.stdout)\(next.stderr)")
        #expect(next.stdout.contains("digest 2 planned: 1 posts, 5 recipients"), "\(next.stdout)")
        let secondBodies = try bodies().dropFirst(5)
        #expect(secondBodies.count == 5)
        #expect(secondBodies.allSatisfy { $0.contains("Second billet Zebra") && !$0.contains("Premier billet") })
        let digests = try site.digests()
        #expect(digests.map { $0["status"] as? String } == ["completed", "completed"])
        #expect(digests.first?["windowStart"] as? String == digests.last?["windowEnd"] as? String)
        let nothing = try site.herald("digest", "send", "hebdo")
        #expect(nothing.status == 0)
        #expect(nothing.stdout.contains("no new post since"), "\(nothing.stdout)")
    }

    // MARK: Import

    /// A CSV file with a BOM, CRLF line ends, quoted commas and quotes, a line break inside a
    /// quoted field, an empty line, bad rows and a repeated address: each bad row is reported
    /// with its line, the rest is imported, and importing the file again changes nothing.
    @Test func importReportsBadRowsByLineAndIsIdempotent() throws {
        let site = try DeliverySite(port: 1)
        defer { site.remove() }
        let lines = [
            "email,name,newsletters",  // 1
            "\"dupont@example.org\",\"Dupont, Marie\",hebdo",  // 2
            "not-an-address,Personne",  // 3: bad address
            "\"martin@example.org\",\"Martin, \"\"Jo\"\"\",",  // 4
            "\"durand@example.org\",\"Durand\r\nsur deux lignes\"",  // 5–6: a line break in a name
            "leroy@example.org,Leroy,inconnu",  // 7: unknown newsletter
            "dupont@EXAMPLE.org,Autre nom",  // 8: the address of line 2
            "",  // 9
            "petit@example.org,Petit,hebdo;hebdo",  // 10
            "a@example.org,b,c,d",  // 11: four fields
            "bernard@example.org",  // 12, without a final line break
        ]
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        bytes += Array(lines.joined(separator: "\r\n").utf8)
        let file = try site.site.folder.write(Data(bytes), to: "abonnés.csv").path

        let first = try site.herald("subscribers", "import", file)
        #expect(first.status == 1)
        #expect(first.stdout == "\(file): 4 added, 0 updated, 0 unchanged, 5 rejected\n", "\(first.stdout)")
        let problems = first.stderr.split(separator: "\n").map(String.init)
        #expect(problems.map { $0.components(separatedBy: ": error: ").first ?? "" } == [3, 5, 7, 8, 11].map { "\(file):\($0)" }, "\(first.stderr)")
        #expect(problems.count == 5 && problems[3].contains("\"dupont@EXAMPLE.org\" is already on line 2"), "\(problems)")

        let listed = try site.herald("subscribers", "list", "--json")
        let subscribers = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
        let byEmail = Dictionary(uniqueKeysWithValues: subscribers.map { ($0["email"] as? String ?? "", $0) })
        #expect(byEmail.keys.sorted() == ["bernard@example.org", "dupont@example.org", "martin@example.org", "petit@example.org"])
        #expect(byEmail["dupont@example.org"]?["name"] as? String == "Dupont, Marie")
        #expect(byEmail["dupont@example.org"]?["newsletters"] as? [String] == ["hebdo"])
        #expect(byEmail["martin@example.org"]?["name"] as? String == "Martin, \"Jo\"")
        #expect(byEmail["petit@example.org"]?["newsletters"] as? [String] == ["hebdo"])
        #expect(byEmail["bernard@example.org"]?["name"] == nil)
        #expect(subscribers.allSatisfy { $0["status"] as? String == "confirmed" })

        let second = try site.herald("subscribers", "import", file)
        #expect(second.stdout == "\(file): 0 added, 0 updated, 4 unchanged, 5 rejected\n", "\(second.stdout)")
        #expect(second.stderr == first.stderr)
        #expect(try site.herald("subscribers", "list", "--json").stdout == listed.stdout)
    }

    /// A well-formed file imports without a complaint (the end of the file is not an error).
    @Test func cleanImportExitsZero() throws {
        let site = try DeliverySite(port: 1)
        defer { site.remove() }
        for (name, text) in [("lf.csv", "a@example.org,A\nb@example.org,B\n"), ("no-final-break.csv", "c@example.org,C")] {
            let file = try site.site.folder.write(text, to: name).path
            let result = try site.herald("subscribers", "import", file)
            #expect(result.status == 0, "\(name): \(result.stderr)")
            #expect(result.stderr.isEmpty, "\(name): \(result.stderr)")
        }
        #expect(try site.subscribers(status: "confirmed") == ["a@example.org", "b@example.org", "c@example.org"])
    }
}
