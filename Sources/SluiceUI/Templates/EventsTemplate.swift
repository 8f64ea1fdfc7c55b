extension Templates {
    /// `/ui/events`: the event log, its filters (a GET form: works without JavaScript), the count
    /// of each kind, and links to older and newest events.
    static let events = """
        <style>
        form.filters{display:flex;flex-wrap:wrap;gap:.4em 1.2em;align-items:center;margin:.2em 0 .8em}
        form.filters fieldset{border:0;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:.2em .8em}
        form.filters legend{float:left;margin-right:.4em;font-weight:600}
        .problem{border-left-color:var(--bad)}
        .scroll{overflow-x:auto;max-width:100%}
        #events td.at{white-space:nowrap}#events td.message{min-width:18em}
        .kind-failed,.kind-rejected,.kind-breached,.kind-stalled{font-weight:600}
        nav.pages{display:flex;gap:1.5em;margin:.6em 0}
        </style>
        {{#problems}}<p class="notice problem" role="alert">{{.}}</p>
        {{/problems}}
        <form class="filters" method="get" action="/ui/events" role="search" aria-label="Filter the events">
        <label>Model <input type="text" name="model" value="{{model}}" size="16"></label>
        <fieldset><legend>Kind</legend>
        {{#kinds}}<label><input type="checkbox" name="kind" value="{{kind}}"{{#checked}} checked{{/checked}}> {{kind}} ({{count}})</label>
        {{/kinds}}
        </fieldset>
        <button type="submit">Filter</button>{{#filtered}} <a href="/ui/events">Clear filters</a>{{/filtered}}
        </form>
        <p class="counts">{{total}} events {{scope}}{{#modelHref}} (<a href="{{modelHref}}">the model's page</a>){{/modelHref}}; times in UTC.</p>
        <div class="scroll">
        <table id="events">
        <caption class="muted">Newest first</caption>
        <thead><tr><th scope="col">At</th><th scope="col">Model</th><th scope="col">Kind</th><th scope="col">Message</th><th scope="col">Revision</th></tr></thead>
        <tbody>
        {{#rows}}<tr data-kind="{{kind}}" data-model="{{model}}"><td class="at">{{at}} <span class="muted">{{age}}</span></td><td><a href="{{href}}">{{model}}</a></td><td class="kind-{{kind}}">{{kind}}</td><td class="message">{{message}}</td><td>{{#revision}}<code>{{revision}}</code>{{/revision}}</td></tr>
        {{/rows}}
        </tbody>
        </table>
        </div>
        {{#empty}}<p>No events{{#filtered}} match these filters{{/filtered}}.</p>
        {{/empty}}
        <nav class="pages" aria-label="Pages">{{#newest}}<a href="{{newest}}">← Newest</a>{{/newest}}{{#older}}<a href="{{older}}" rel="next">Older →</a>{{/older}}</nav>

        """
}
