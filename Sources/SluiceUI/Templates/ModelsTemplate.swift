extension Templates {
    /// `/ui`: the count per health, the filter form and the models table (``UI/models(_:)``).
    static let models = """
        {{#problem}}<p class="notice notice-bad" role="alert">{{problem}}</p>{{/problem}}
        {{#hasManifestErrors}}<div class="notice notice-bad" role="alert"><p>These manifests do not read; their models keep what they have until they do:</p><ul>{{#manifestErrors}}<li><code>{{.}}</code></li>{{/manifestErrors}}</ul></div>{{/hasManifestErrors}}
        {{#queryProblems}}<p class="notice">{{.}}</p>{{/queryProblems}}
        {{#summary}}<nav class="summary" aria-label="Models by health">
        <a href="{{allHref}}"{{#allCurrent}} aria-current="true"{{/allCurrent}}>All <b>{{all}}</b></a>
        {{#items}}<a class="health-{{health}}" href="{{href}}"{{#current}} aria-current="true"{{/current}}><span aria-hidden="true">{{symbol}}</span> {{words}} <b>{{count}}</b></a>
        {{/items}}</nav>{{/summary}}
        {{#form}}<form class="filters" method="get" action="/ui" role="search">
        <label>Name <input type="search" name="q" value="{{q}}" placeholder="part of a name"></label>
        <details class="healths"{{#healthChosen}} open{{/healthChosen}}><summary>Health</summary><fieldset><legend>Any of</legend>{{#healthOptions}}<label><input type="checkbox" name="health" value="{{value}}"{{#checked}} checked{{/checked}}> <span aria-hidden="true">{{symbol}}</span> {{words}}</label>
        {{/healthOptions}}</fieldset></details>
        {{#labelValues}}<label>Label <input name="label" value="{{.}}" placeholder="key=value"></label>
        {{/labelValues}}{{#sort}}<input type="hidden" name="sort" value="{{sort}}">
        {{/sort}}<button type="submit">Filter</button>
        {{#clearHref}}<a href="{{clearHref}}">Clear filters</a>{{/clearHref}}
        </form>{{/form}}
        {{#noModels}}<p class="empty">No models yet. Commit a manifest under <code>manifests/</code> (one JSON file per model: see docs/manifests.md) and the next reconcile trains, gates and publishes it.</p>{{/noModels}}
        {{#noMatch}}<p class="empty">No model matches these filters. <a href="{{clearHref}}">Clear the filters</a> to see every model.</p>{{/noMatch}}
        {{#table}}<div class="scroll">
        <table id="models">
        <caption>{{showing}}</caption>
        <thead><tr>{{#headers}}<th scope="col"{{#class}} class="{{class}}"{{/class}}{{#ariaSort}} aria-sort="{{ariaSort}}"{{/ariaSort}}><a href="{{href}}">{{label}}{{#arrow}} <span aria-hidden="true">{{arrow}}</span>{{/arrow}}</a></th>{{/headers}}</tr></thead>
        <tbody>
        {{#rows}}<tr data-model="{{name}}" data-health="{{health}}" data-sync="{{sync}}"><th scope="row"><a href="{{href}}">{{name}}</a></th><td class="sync sync-{{sync}}">{{syncWords}}</td><td><span class="badge health-{{health}}"><span aria-hidden="true">{{healthSymbol}}</span> {{healthWords}}</span></td><td>{{#version}}<code title="{{full}}">{{short}}</code>{{/version}}{{^version}}<span class="muted">none</span>{{/version}}</td><td class="num"><span class="muted">{{metric}}</span> {{#value}}{{value}}{{/value}}{{^value}}–{{/value}}</td><td class="spark">{{#sparkline}}{{{sparkline}}}{{/sparkline}}{{^sparkline}}<span class="muted">none</span>{{/sparkline}}{{#trend}} <span class="trend" title="change made by the last publication">{{trend}}</span>{{/trend}}</td><td>{{#reconciled}}<time datetime="{{time}}" title="{{time}}">{{age}}</time>{{/reconciled}}{{^reconciled}}<span class="muted">never</span>{{/reconciled}}</td><td>{{target}}</td><td class="labels">{{#labels}}<a class="label" href="{{href}}">{{text}}</a> {{/labels}}</td></tr>
        {{/rows}}
        </tbody>
        </table>
        </div>
        {{#pager}}<nav class="pager" aria-label="Pages">{{#previousHref}}<a rel="prev" href="{{previousHref}}">← Previous</a>{{/previousHref}} {{#nextHref}}<a rel="next" href="{{nextHref}}">Next →</a>{{/nextHref}}</nav>{{/pager}}
        {{/table}}

        """
}
