extension Templates {
    /// `/ui/plan`: the global plan, its filters (a GET form: works without JavaScript) and counts.
    /// `lines` is markup built with ``HTML`` (``UI/lineMarkup(_:)``).
    static let plan = """
        <style>
        .tone-add{color:var(--ok)}.tone-change{color:var(--warn)}.tone-remove,.tone-bad{color:var(--bad)}
        .tone-warn{color:var(--warn)}.tone-quiet{color:var(--muted)}
        .plan-item{margin:.2em 0 .8em}.plan-item h3{font-size:1em;margin:.6em 0 .2em}.plan-item pre{margin:0}
        form.filters{display:flex;flex-wrap:wrap;gap:.4em 1.2em;align-items:center;margin:.2em 0 .8em}
        form.filters fieldset{border:0;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:.2em .8em}
        form.filters legend{float:left;margin-right:.4em;font-weight:600}
        .problem{border-left-color:var(--bad)}
        </style>
        {{#problem}}<p class="notice problem" role="alert">{{problem}}</p>
        {{/problem}}
        {{#hasPlan}}
        <form class="filters" method="get" action="/ui/plan" role="search" aria-label="Filter the plan">
        <label><input type="checkbox" name="changes" value="1"{{#changesOnly}} checked{{/changesOnly}}> Changes only</label>
        <fieldset><legend>Action</legend>
        {{#actions}}<label><input type="checkbox" name="action" value="{{kind}}"{{#checked}} checked{{/checked}}> {{kind}} ({{count}})</label>
        {{/actions}}
        </fieldset>
        <label>Label <input type="text" name="label" value="{{label}}" placeholder="team=vision" size="14"></label>
        <label>Name <input type="text" name="q" value="{{q}}" size="14"></label>
        <button type="submit">Filter</button>{{#filtered}} <a href="/ui/plan">Clear filters</a>{{/filtered}}
        </form>
        {{#filterProblems}}<p class="notice problem" role="alert">{{.}}</p>
        {{/filterProblems}}
        {{#hasErrors}}
        <section id="plan-errors" aria-labelledby="plan-errors-h"><h2 id="plan-errors-h">Manifest errors</h2>
        <ul>
        {{#errors}}<li><span class="tone-bad">✗ </span>{{.}}</li>
        {{/errors}}
        </ul>
        </section>
        {{/hasErrors}}
        <p class="counts">{{counts}}</p>
        {{/hasPlan}}
        <section id="plan" aria-labelledby="plan-h">
        <h2 id="plan-h">{{#hasPlan}}{{headline}}{{/hasPlan}}{{^hasPlan}}No plan{{/hasPlan}}</h2>
        {{#changing}}<div class="plan-item" data-model="{{model}}" data-changes="{{changes}}"><h3><a href="{{href}}">{{model}}</a></h3><pre class="plan">{{{lines}}}</pre></div>
        {{/changing}}
        {{#noneShown}}<p>No model matches these filters. <a href="/ui/plan">Show the whole plan</a>.</p>
        {{/noneShown}}
        {{#hasQuiet}}
        <details class="unchanged"{{#quietOpen}} open{{/quietOpen}}><summary>Without changes</summary>
        {{#quiet}}<div class="plan-item" data-model="{{model}}" data-changes="{{changes}}"><pre class="plan">{{{lines}}}</pre></div>
        {{/quiet}}
        </details>
        {{/hasQuiet}}
        {{#warnings}}<p class="warning"><span class="tone-warn">Warning: </span>{{.}}</p>
        {{/warnings}}
        {{#hasPlan}}<p class="summary"><strong>Plan:</strong> {{summary}}</p>{{/hasPlan}}
        </section>

        """
}
