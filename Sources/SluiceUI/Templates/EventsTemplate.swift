extension Templates {
    /// `/ui/events`: the event log.
    static let events = """
        <table id="events">
        <thead><tr><th scope="col">At</th><th scope="col">Model</th><th scope="col">Kind</th><th scope="col">Message</th></tr></thead>
        <tbody>
        {{#rows}}<tr data-kind="{{kind}}" data-model="{{model}}"><td>{{at}}</td><td><a href="{{href}}">{{model}}</a></td><td>{{kind}}</td><td>{{message}}</td></tr>
        {{/rows}}
        </tbody>
        </table>

        """
}
