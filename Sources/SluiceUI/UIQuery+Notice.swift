extension UIQuery {
    /// The line a page shows above itself after the one action: `POST /ui/reconcile` sends the
    /// browser back with `reconciled=1`, read as "A cycle starts now." (a fixed text: nothing in
    /// the URL is shown as the notice). Every page passes it to ``UI/page(title:heading:section:body:plan:back:notice:status:)``.
    public var notice: String? { self["reconciled"] == "1" ? "A cycle starts now." : nil }

    /// The query without the notice's `reconciled`: what "Reconcile now" returns to, and what a
    /// page's own links carry (a reload must not say again that a cycle starts).
    public var withoutNotice: UIQuery { setting("reconciled", to: nil) }
}
