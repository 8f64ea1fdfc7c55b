extension Templates {
    /// `/ui/models/{name}`: one model.
    static let model = """
        {{#missing}}<p>Neither the store nor the manifests know a model named <code>{{name}}</code>. <a href="/ui">All models</a>.</p>{{/missing}}
        {{^missing}}
        <section id="versions-section"><h2>Versions</h2>
        <table id="versions">
        <thead><tr><th scope="col">Version</th><th scope="col">Created</th></tr></thead>
        <tbody>
        {{#versions}}<tr data-version="{{id}}"><td><code>{{short}}</code></td><td>{{created}}</td></tr>
        {{/versions}}
        </tbody>
        </table>
        </section>
        <section id="plan"><h2>Plan</h2><pre class="plan">{{plan}}</pre></section>
        {{/missing}}

        """
}
