import Foundation
import Mustache
import SluiceController

/// The web UI: server-rendered pages over a store and the current plan (issue 16), served by
/// `sluice run` under `/ui` and by `sluice ui`. Each page is a method in its own file
/// (``models(_:)``, ``model(_:_:)``, ``plan(_:)``, ``events(_:)``); none writes anything.
public struct UI: Sendable {
    /// Which part of the navigation a page belongs to.
    public enum Section: String, Sendable, CaseIterable {
        case models, plan, events

        var label: String {
            switch self {
            case .models: "Models"
            case .plan: "Plan"
            case .events: "Events"
            }
        }

        var href: String {
            switch self {
            case .models: "/ui"
            case .plan: "/ui/plan"
            case .events: "/ui/events"
            }
        }
    }

    /// Where the pages come from.
    public let context: UIContext
    let library: MustacheLibrary

    /// - Throws: when a template does not parse (a bug, caught by the tests).
    public init(context: UIContext) throws {
        self.context = context
        // `{{x}}` escapes with ``HTML/escape(_:)``, scalar by scalar: the library's own escaping goes
        // by Characters, and lets a `"` followed by a combining mark through (a way out of an attribute).
        MustacheContentTypes.register(EscapedHTML(), named: EscapedHTML.name)
        var library = MustacheLibrary()
        for (name, text) in Templates.all { try library.register("{{% CONTENT_TYPE: \(EscapedHTML.name)}}" + text, named: name) }
        self.library = library
    }

    /// The content type of every template: HTML escaped by ``HTML/escape(_:)``.
    struct EscapedHTML: MustacheContentType {
        static let name = "SLUICE_HTML"
        func escapeText(_ text: String) -> String { HTML.escape(text) }
    }

    /// A template rendered with `object` (dictionaries of strings, numbers, booleans and arrays).
    func render(_ template: String, _ object: [String: Any]) -> String {
        library.render(object, withTemplate: template) ?? ""
    }

    /// A whole page: `body` inside the layout.
    /// - Parameters:
    ///   - title: the window's title; `heading` is the page's `<h1>` (the title when `nil`).
    ///   - section: where the page sits in the navigation.
    ///   - body: the page's markup (rendered from a template, or built with ``HTML``).
    ///   - plan: the plan the page shows, for the footer's "plan made …".
    ///   - back: where "Reconcile now" returns to (the page's own path and query, without the
    ///     notice's mark: ``UIQuery/withoutNotice``).
    ///   - notice: a line above the page (what the last action did: ``UIQuery/notice``).
    ///   - status: the HTTP status.
    func page(title: String, heading: String? = nil, section: Section?, body: String, plan: UIPlan?, back: String,
              notice: String? = nil, status: Int = 200) -> UIPage {
        let now = context.clock.now
        var object: [String: Any] = [
            "title": title,
            "heading": heading ?? title,
            "css": Style.css,
            "nav": Section.allCases.map { s -> [String: Any] in ["href": s.href, "label": s.label, "current": s == section] },
            "body": body,
            "server": context.server,
            "now": UIFormat.time(now),
        ]
        if let notice { object["notice"] = notice }
        if let reconcile = context.reconcile {
            object["reconcile"] = ["tokenRequired": reconcile.tokenRequired, "back": back] as [String: Any]
        }
        if let plan, plan.plan != nil {
            object["planMadeAt"] = UIFormat.age(plan.madeAt, now: now)
            if let r = plan.revision { object["revision"] = String(r.prefix(12)) }
        }
        return UIPage(status: status, html: render("layout", object))
    }
}
