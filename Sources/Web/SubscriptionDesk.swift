import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mail
import NIOCore
import Store

/// The subscriber pages: sign-up (double opt-in), confirmation and unsubscription.
///
/// Only a `POST` changes anything: a `GET` on a link shows a page with one button, because
/// mail scanners open every link in a message. The sign-up answers the same whether or not
/// the address is known.
struct SubscriptionDesk: Sendable {
    let settings: WebSettings
    let pages: Pages
    let store: any SubscriberStore
    let links: SubscriptionLinks
    /// `nil`: no mail section, so no sign-up (the forms are not shown).
    let mail: ConfirmationMail?
    let outbox: ConfirmationOutbox?
    let limiter: ClientRateLimiter
    let logger: Logger

    private var text: PageText { pages.text }
    private var newsletterIDs: Set<String> { Set(settings.newsletters.map(\.id)) }

    /// The fields of the sign-up form.
    private struct Form: Decodable {
        var email: String?
        var name: String?
        var newsletter: String?
        /// The honeypot: hidden from people, filled in by naive bots.
        var website: String?
    }

    func subscribe(_ request: Request, context: WebRequestContext) async -> Response {
        guard let mail, let outbox else { return page(.notFound, pages.message(title: text.notFoundTitle, text.notFound)) }
        guard limiter.allow(ClientAddress.of(request, context: context, trustProxy: settings.trustProxy)) else {
            var response = page(.tooManyRequests, pages.message(title: text.tooManyTitle, text.tooMany))
            response.headers[.retryAfter] = "3600"
            return response
        }
        let form: Form
        switch await Self.decodeForm(Form.self, request, limit: settings.maxBodySize) {
        case .decoded(let decoded): form = decoded
        case .tooLarge: return page(.contentTooLarge, pages.message(title: text.badEmailTitle, text.badEmail))
        case .malformed: return page(.badRequest, pages.message(title: text.badEmailTitle, text.badEmail))
        }
        let checkInbox = page(.ok, pages.message(title: text.checkInboxTitle, text.checkInbox))
        if let trap = form.website, !trap.isEmpty { return checkInbox }
        guard let newsletterID = form.newsletter, let newsletter = settings.newsletters.first(where: { $0.id == newsletterID }) else {
            return page(.badRequest, pages.message(title: text.notFoundTitle, text.unknownNewsletter))
        }
        let typed = (form.email ?? "").trimmingCharacters(in: .whitespaces)
        guard typed.utf8.count <= 254, let address = try? EmailAddress(typed) else {
            return page(.badRequest, pages.message(title: text.badEmailTitle, text.badEmail))
        }
        let name = Self.cleanName(form.name)
        let now = Date()
        let outcome: SubscriptionRequestOutcome
        do {
            outcome = try await store.requestSubscription(
                SubscriptionRequest(email: address.description, name: name, newsletter: newsletter.id),
                interval: settings.confirmationInterval, at: now)
        } catch {
            logger.error("sign-up not recorded: \(error.description)")
            return page(.serviceUnavailable, pages.message(title: text.tooManyTitle, text.tooMany))
        }
        guard outcome.sendConfirmation else { return checkInbox }
        let token = links.confirmToken(.init(subscriberID: outcome.subscriberID, newsletter: newsletter.id), issued: now)
        do {
            let message = try mail.message(
                to: Mailbox(displayName: name, address: address), newsletter: newsletter.title,
                link: settings.publicURL + "confirm/" + token, lifetimeHours: Int(settings.confirmLifetime / 3600), text: text, now: now)
            outbox.enqueue(message)
        } catch {
            logger.error("confirmation mail not made: \(error)")
        }
        return checkInbox
    }

    /// `GET /confirm/TOKEN`: the button.
    func confirmPage(token: Substring) -> Response {
        guard let confirmation = links.confirmation(fromToken: token, now: Date(), newsletters: newsletterIDs) else { return badLink() }
        return page(
            .ok,
            pages.button(
                title: text.confirmTitle, prompt: text.confirmPrompt(title(of: confirmation.newsletter)), action: "/confirm/\(token)",
                field: "confirm", value: "yes", label: text.confirmButton))
    }

    /// `POST /confirm/TOKEN`.
    func confirm(token: Substring) async -> Response {
        guard let confirmation = links.confirmation(fromToken: token, now: Date(), newsletters: newsletterIDs) else { return badLink() }
        do {
            guard try await store.confirmSubscription(subscriberID: confirmation.subscriberID, newsletter: confirmation.newsletter, at: Date()) != nil
            else { return badLink() }
        } catch {
            logger.error("confirmation not recorded: \(error.description)")
            return page(.serviceUnavailable, pages.message(title: text.badLinkTitle, text.badLink))
        }
        return page(.ok, pages.message(title: text.confirmedTitle, text.confirmed(title(of: confirmation.newsletter))))
    }

    /// `GET /unsubscribe/TOKEN`: the button, which posts what a one-click mail client posts.
    func unsubscribePage(token: Substring) -> Response {
        guard links.unsubscriber(fromToken: token) != nil else { return badLink() }
        return page(
            .ok,
            pages.button(
                title: text.unsubscribeTitle, prompt: text.unsubscribePrompt, action: "/unsubscribe/\(token)",
                field: "List-Unsubscribe", value: "One-Click", label: text.unsubscribeButton))
    }

    /// `POST /unsubscribe/TOKEN`: RFC 8058's one-click (the body `List-Unsubscribe=One-Click`)
    /// or the button. No cookie, no redirect; doing it twice is doing it once.
    func unsubscribe(token: Substring) async -> Response {
        guard let id = links.unsubscriber(fromToken: token) else { return badLink() }
        do {
            if let subscriber = try await store.subscriber(id: id), subscriber.status == .confirmed || subscriber.status == .pending {
                try await store.setStatus(.unsubscribed, subscriberID: id, at: Date())
                logger.info("unsubscribed", metadata: ["subscriber": "\(id)"])
            }
        } catch {
            logger.error("unsubscription not recorded: \(error.description)")
            return page(.serviceUnavailable, pages.message(title: text.badLinkTitle, text.badLink))
        }
        return page(.ok, pages.message(title: text.unsubscribedTitle, text.unsubscribed))
    }

    private func title(of newsletter: String) -> String {
        settings.newsletters.first { $0.id == newsletter }?.title ?? newsletter
    }

    private func badLink() -> Response {
        page(.badRequest, pages.message(title: text.badLinkTitle, text.badLink))
    }

    func page(_ status: HTTPResponse.Status, _ html: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The name as shown in the `To` header: control characters removed, at most 100 characters.
    static func cleanName(_ name: String?) -> String? {
        guard let name else { return nil }
        let kept = String(String.UnicodeScalarView(name.unicodeScalars.filter { !$0.properties.generalCategory.isControlOrFormat }))
            .trimmingCharacters(in: .whitespaces)
        return kept.isEmpty ? nil : String(kept.prefix(100))
    }

    enum FormBody<Form> {
        case decoded(Form)
        case tooLarge
        case malformed
    }

    /// The request's `application/x-www-form-urlencoded` body, at most `limit` bytes.
    static func decodeForm<Form: Decodable>(_ type: Form.Type, _ request: Request, limit: Int) async -> FormBody<Form> {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { return .tooLarge }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            return .tooLarge
        }
        guard let form = try? URLEncodedFormDecoder().decode(Form.self, from: String(buffer: buffer)) else { return .malformed }
        return .decoded(form)
    }
}

extension Unicode.GeneralCategory {
    /// Cc and Cf: line breaks, NUL, and invisible marks such as bidirectional overrides.
    var isControlOrFormat: Bool { self == .control || self == .format }
}
