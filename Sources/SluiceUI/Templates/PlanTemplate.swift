extension Templates {
    /// `/ui/plan`: the global plan.
    static let plan = """
        {{#problem}}<p class="notice">{{problem}}</p>{{/problem}}
        <section id="plan">
        {{#items}}<div class="plan-item" data-model="{{model}}" data-changes="{{changes}}"><pre class="plan">{{lines}}</pre></div>
        {{/items}}
        <p>{{summary}}</p>
        </section>

        """
}
