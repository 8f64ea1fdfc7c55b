extension Templates {
    /// `/ui`: the models table.
    static let models = """
        {{#problem}}<p class="notice">{{problem}}</p>{{/problem}}
        <table id="models">
        <thead><tr><th scope="col">Model</th><th scope="col">Sync</th><th scope="col">Health</th></tr></thead>
        <tbody>
        {{#rows}}<tr data-model="{{name}}" data-health="{{health}}" data-sync="{{sync}}"><td><a href="{{href}}">{{name}}</a></td><td>{{syncWords}}</td><td class="health health-{{health}}">{{healthWords}}</td></tr>
        {{/rows}}
        </tbody>
        </table>

        """
}
