extension Templates {
    /// Every page: the head (inline CSS, light and dark), a skip link, the navigation, the
    /// "Reconcile now" form, the page's `body` (rendered markup) and the footer. Works with
    /// JavaScript off; loads nothing from anywhere.
    static let layout = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="color-scheme" content="light dark">
        <title>{{title}} · Sluice</title>
        <style>{{{css}}}</style>
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        <header>
        <nav aria-label="Sections">
        <a class="brand" href="/ui">Sluice</a>
        {{#nav}}<a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a>{{/nav}}
        </nav>
        {{#reconcile}}
        <form class="reconcile" method="post" action="/ui/reconcile">
        <input type="hidden" name="back" value="{{back}}">
        {{#tokenRequired}}<label>Token <input type="password" name="token" autocomplete="current-password" required></label>{{/tokenRequired}}
        <button type="submit">Reconcile now</button>
        </form>
        {{/reconcile}}
        </header>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        <main id="main">
        <h1>{{heading}}</h1>
        {{{body}}}
        </main>
        <footer>
        <p>Served by {{server}} at <time datetime="{{now}}">{{now}}</time>.{{#planMadeAt}} Plan made {{planMadeAt}}{{#revision}} at revision <code>{{revision}}</code>{{/revision}}.{{/planMadeAt}}</p>
        </footer>
        </body>
        </html>

        """
}
