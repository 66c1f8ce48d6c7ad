# ruff: noqa: E501 - the generator's markup, one element per line as it writes them
"""A web-to-lead form as SuiteCRM 7.14's form generator writes it (its layout, hidden fields
and names), and a reader that posts it the way a browser would.

The markup follows what the generator emits: a form `WebToLeadForm` posting to
`index.php?entryPoint=WebToPersonCapture`, one input per chosen field (`email1` of type
email, a multi-select named `<field>[]`), and hidden `campaign_id`, `redirect_url`,
`assigned_user_id`, `bool_id` and `moduleDir` inputs.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

GENERATED = """
<form action='{site}/index.php?entryPoint=WebToPersonCapture' name='WebToLeadForm' method='POST' id='WebToLeadForm'>
    <h2>Contact us</h2>
    <p>We will get back to you.</p>
<div class="row"><div class="col"><label>First Name: </label><input id="first_name" name="first_name" type="text"></div>
<div class="col"><label>Last Name: <span class='required'>*</span></label><input id="last_name" name="last_name" type="text" required></div>
    <div class="clear">&nbsp;</div>
                </div>
<div class="row"><div class="col"><label>Email Address: </label><input id="email1" name="email1" type="email"></div>
<div class="col"><label>Office Phone: </label><input id="phone_work" name="phone_work" type="text"></div>
    <div class="clear">&nbsp;</div>
                </div>
<div class="row"><div class="col"><label>Account Name: </label><input id="account_name" name="account_name" type="text"></div>
<div class="col"><label>Description: </label><span class='ta_replace'><input id="description" name="description" type="text"></span></div>
    <div class="clear">&nbsp;</div>
                </div>
<div class="row center buttons">
    <input type="submit" onclick="submit_form();" class="button" name="Submit" value="Submit" />
    <div class="clear">&nbsp;</div>
</div>
<input type='hidden' id='campaign_id' name='campaign_id' value='a5c2b1d0-3f4e-4e8a-9a1b-2c3d4e5f6a7b'>
<input type='hidden' id='redirect_url' name='redirect_url' value='{redirect}'>
<input type='hidden' id='assigned_user_id' name='assigned_user_id' value='1'>
<input type='hidden' id='moduleDir' name='moduleDir' value='{module_dir}'>
</form>
"""


def generated_form(*, site: str, redirect: str = "", module_dir: str = "Leads") -> str:
    """The generator's HTML for a site; an empty redirect drops its hidden input, as the
    generator does."""
    html = GENERATED.format(site=site, redirect=redirect, module_dir=module_dir)
    if not redirect:
        html = "\n".join(line for line in html.splitlines() if "redirect_url" not in line)
    return html


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        # The submit button is sent too, as a browser sends the button clicked.
        attrs = dict(attrs)
        if tag == "form":
            self.action = attrs.get("action", "")
        elif tag in ("input", "select", "textarea") and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""


def post_form(client, html: str, filled: dict, **extra):
    """Post `html`'s form with `filled` typed into its inputs (inputs the form lacks are not
    sent) to the path of its action, from another site."""
    reader = _Reader()
    reader.feed(html)
    unknown = set(filled) - set(reader.fields)
    assert not unknown, f"the form has no inputs {unknown}"
    action = urlsplit(reader.action)
    return client.post(
        f"{action.path}?{action.query}",
        {**reader.fields, **filled},
        REMOTE_ADDR=extra.pop("addr", "198.51.100.7"),
        **extra,
    )
