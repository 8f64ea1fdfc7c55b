/// The pages' Mustache templates, by name. Each lives in its own file here as a string (the
/// binary carries them: nothing is read from disk at run time, so a copied `sluice` binary
/// serves the same pages). `{{x}}` is escaped; `{{{x}}}` only ever carries markup built with ``HTML``.
enum Templates {
    /// Every template, registered by ``UI/init(context:)`` under these names; `{{> layout}}`-style
    /// partials refer to them by name too.
    static let all: [String: String] = [
        "layout": layout,
        "models": models,
        "model": model,
        "plan": plan,
        "events": events,
    ]
}
