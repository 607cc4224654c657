import Testing
import Mail

@Suite struct MailboxTests {
    @Test(arguments: [
        ("a@b.org", nil, "a@b.org"),
        ("<a@b.org>", nil, "a@b.org"),
        ("  <a@b.org>  ", nil, "a@b.org"),
        ("Jean Dupont <jean@example.org>", "Jean Dupont", "jean@example.org"),
        ("  Jean \t  Dupont   <jean@example.org> ", "Jean Dupont", "jean@example.org"),
        ("Jean Dupont<jean@example.org>", "Jean Dupont", "jean@example.org"),
        ("\"Dupont, Jean\" <jean@example.org>", "Dupont, Jean", "jean@example.org"),
        ("\"Say \\\"hi\\\" <now>\" <a@b.org>", "Say \"hi\" <now>", "a@b.org"),
        ("\"\" <a@b.org>", nil, "a@b.org"),
        ("Léa Œuvre l’Ami <lea@example.org>", "Léa Œuvre l’Ami", "lea@example.org"),
        ("\"Cœur d’Alène, Rédaction\" <news@example.org>", "Cœur d’Alène, Rédaction", "news@example.org"),
        ("J. Dupont <j@example.org>", "J. Dupont", "j@example.org"),
        ("\"x\"@example.org", nil, "x@example.org"),
    ] as [(String, String?, String)])
    func parsesTheFormsOfConfigJSON(_ text: String, _ name: String?, _ address: String) throws {
        let mailbox = try Mailbox(parsing: text)
        #expect(mailbox.displayName == name)
        #expect(mailbox.address.description == address)
    }

    @Test(arguments: [
        ("Dupont, Jean <j@example.org>", "double quotes"),
        ("Jean a@b.org", "angle brackets"),
        ("Jean <a@b.org", "no closing \">\""),
        ("Jean <a@b.org> x", "nothing may follow"),
        ("Jean a@b.org>", "without a \"<\""),
        ("\"Jean\" Dupont <a@b.org>", "quotes"),
        ("\"Jean <a@b.org>", "no closing quote"),
        ("Jean <<a@b.org>>", "unbalanced"),
        ("Jean\r\n <a@b.org>", "line break"),
        ("Jean <a@b.org>\r\nBcc: x@y.org", "line break"),
        ("Jean\n<a@b.org>", "line break"),
        ("Jean\r<a@b.org>", "line break"),
        ("J\0 <a@b.org>", "NUL"),
        ("Jean <>", "empty"),
        ("Jean <é@b.org>", "SMTPUTF8"),
        ("   ", "empty"),
    ])
    func rejectsMalformedMailboxesSayingWhy(_ text: String, _ expected: String) {
        #expect {
            try Mailbox(parsing: text)
        } throws: { error in
            (error as? MailError)?.description.contains(expected) ?? false
        }
    }

    @Test func headerValueQuotesOrEncodesTheDisplayName() throws {
        let address = try EmailAddress("jean@example.org")
        #expect(try Mailbox(displayName: "Jean Dupont", address: address).headerValue() == "Jean Dupont <jean@example.org>")
        #expect(try Mailbox(displayName: "Dupont, Jean", address: address).headerValue() == "\"Dupont, Jean\" <jean@example.org>")
        #expect(try Mailbox(displayName: "J. \"JD\" Dupont", address: address).headerValue()
            == "\"J. \\\"JD\\\" Dupont\" <jean@example.org>")
        #expect(try Mailbox(displayName: nil, address: address).headerValue() == "jean@example.org")
        #expect(try Mailbox(displayName: "", address: address).headerValue() == "jean@example.org")
        let encoded = try Mailbox(displayName: "Léa", address: address).headerValue()
        #expect(encoded == "=?utf-8?Q?L=C3=A9a?= <jean@example.org>")
        #expect(try Mailbox(displayName: "=?utf-8?Q?x?=", address: address).headerValue().hasPrefix("=?utf-8?"))
    }

    @Test func headerValueRefusesLineBreaksInTheName() throws {
        let address = try EmailAddress("jean@example.org")
        for name in ["Jean\r\nBcc: x@y.org", "Jean\n", "Jean\r", "Je\0an"] {
            #expect(throws: MailError.self) { try Mailbox(displayName: name, address: address).headerValue() }
        }
    }

    @Test func descriptionIsForPeople() throws {
        let mailbox = try Mailbox(parsing: "\"Dupont, Jean\" <jean@example.org>")
        #expect(mailbox.description == "Dupont, Jean <jean@example.org>")
    }
}
