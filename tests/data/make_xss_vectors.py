"""Write tests/data/xss_vectors.jsonl: the XSS corpus the browser test submits as comment bodies,
author names and websites.

Each line is {"family": ..., "vector": ...}. JSON lines because some vectors need newlines
(markdown reference links, fenced code). Every vector tries to trip a wire the test watches:
a dialog (alert/confirm/prompt) or `window.__pwned` / `top.__pwned` / `parent.__pwned`.
The file is committed; run this script again after changing a family:

    .venv/bin/python tests/data/make_xss_vectors.py
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import quote

OUT = Path(__file__).with_name("xss_vectors.jsonl")

# Two or three ways to announce execution, so the families multiply into distinct strings.
JS = ["alert(1)", "top.__pwned=1", "window.__pwned=1"]
JS2 = JS[:2]


def script_tags() -> list[str]:
    out = []
    shapes = [
        "<script>{js}</script>", "<SCRIPT>{js}</SCRIPT>", "<ScRiPt>{js}</sCrIpT>", "<script >{js}</script >",
        "<script/x>{js}</script>", "<script\t>{js}</script>", "<script\n>{js}</script>",
        "<script type=\"text/javascript\">{js}</script>", "<script type=module>{js}</script>",
        "<script language=javascript>{js}</script>", "<script>{js}//", "<script>{js}",
        "<<script>{js};//<</script>", "<scr<script>ipt>{js}</scr</script>ipt>",
        "<script>/*</script><script>*/{js}</script>", "<script\x0c>{js}</script>",
        "<script src=\"data:,{js}\"></script>", "<script src=data:text/javascript,{js}></script>",
        "<script src=\"javascript:{js}\"></script>", "<script src=//x.example/x.js></script><script>{js}</script>",
        "%3Cscript%3E{js}%3C/script%3E", "&lt;script&gt;{js}&lt;/script&gt;",
        "&#60;script&#62;{js}&#60;/script&#62;", "&#x3C;script&#x3E;{js}&#x3C;/script&#x3E;",
        "\\u003cscript\\u003e{js}\\u003c/script\\u003e", "\\x3cscript\\x3e{js}\\x3c/script\\x3e",
        "+ADw-script+AD4-{js}+ADw-/script+AD4-", "%253Cscript%253E{js}%253C%252Fscript%253E",
        "<script>eval(atob('{b64}'))</script>", "<script>setTimeout('{js}')</script>",
        "<script>Function('{js}')()</script>", "<script>[].constructor.constructor('{js}')()</script>",
        "<scrIpt>{js}</scrIpt><!--", "<!--><script>{js}</script>-->", "<script>{js}</script\x20>",
    ]
    for shape in shapes:
        for js in JS2:
            out.append(shape.format(js=js, b64=base64.b64encode(js.encode()).decode()))
    return out


# Tags, what they need to fire, and the handlers worth trying on them.
HANDLERS = {
    "<img src=x {h}>": ["onerror", "onload", "onmouseover", "onpointerover", "onmouseenter"],
    "<img src=x tabindex=1 {h}>": ["onfocus", "onfocusin"],
    "<svg {h}>": ["onload", "onmouseover", "onfocusin"],
    "<svg><g {h}><rect width=99 height=99 /></g></svg>": ["onmouseover", "onclick"],
    "<body {h}>": ["onload", "onpageshow", "onfocus", "onhashchange", "onresize", "onscroll"],
    "<iframe {h}></iframe>": ["onload", "onmouseover"],
    "<details open {h}><summary>x</summary></details>": ["ontoggle"],
    "<video src=x {h}></video>": ["onerror", "onloadstart", "onmouseover"],
    "<audio src=x {h}></audio>": ["onerror", "onloadstart"],
    "<video><source src=x {h}></video>": ["onerror"],
    "<audio controls><source src=x {h}></audio>": ["onerror"],
    "<input autofocus {h}>": ["onfocus", "onfocusin", "onblur"],
    "<select autofocus {h}></select>": ["onfocus"],
    "<textarea autofocus {h}></textarea>": ["onfocus"],
    "<button autofocus {h}>x</button>": ["onfocus", "onmouseover"],
    "<marquee {h}>x</marquee>": ["onstart", "onbounce", "onfinish"],
    "<object data=x {h}></object>": ["onerror", "onload"],
    "<embed src=x {h}>": ["onload", "onerror"],
    "<div {h}>hover me</div>": ["onmouseover", "onmouseenter", "onpointerenter", "onclick"],
    "<a href=# {h}>x</a>": ["onmouseover", "onfocus", "onclick"],
    "<p style=\"animation:x 1s\" {h}>x</p>": ["onanimationstart", "onanimationend"],
    "<form {h}><button>x</button></form>": ["onsubmit", "onmouseover"],
    "<keygen autofocus {h}>": ["onfocus"],
    "<isindex type=image src=x {h}>": ["onerror"],
    "<math {h}>x</math>": ["onmouseover", "onclick"],
    "<table background=x {h}><tr><td>x</td></tr></table>": ["onerror", "onmouseover"],
    "<style {h}></style>": ["onload"],
    "<link rel=stylesheet href=x {h}>": ["onerror", "onload"],
}


def event_handlers() -> list[str]:
    out = []
    for shape, handlers in HANDLERS.items():
        for handler in handlers:
            for js in JS2:
                out.append(shape.replace("{h}", f'{handler}="{js}"'))
    # Quoting and separator tricks on the classic image.
    for js in JS:
        out += [
            f"<img src=x onerror={js}>", f"<img src=x onerror='{js}'>", f"<img src=x onerror=`{js}`>",
            f"<img/src=x/onerror={js}>", f"<img\nsrc=x\nonerror={js}>", f"<img\tsrc=x\tonerror={js}>",
            f"<IMG SRC=x ONERROR={js}>", f"<img src=x onerror  =  {js}>", f"<img src=x:x onerror=\"{js}\" x=\"",
            f"<img src=\"x\" alt=\"\"onerror=\"{js}\">", f"<img src=x onerror=&#x61;lert(1) data-j='{js}'>",
            f"<img src=x oNeRrOr={js}>", f"<img src=x onerror=\"javascript:{js}\">",
            f"<svg/onload={js}>", f"<svg\nonload={js}>", f"<svg onload={js}//",
        ]
    out += [
        "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;&#40;&#49;&#41;>",
        "<img src=x onerror=\"&#x74;op.__pwned=1\">",
        "<img src=x onerror=\\u0061lert(1)>",
        "<img src=x onerror=eval('\\x61lert(1)')>",
        "<img src=x onerror=window['al'+'ert'](1)>",
        "<img src=x onerror=top['__pw'+'ned']=1>",
        "<img src=x onerror=(alert)(1)>",
        "<img src=x onerror=alert`1`>",
        "<img src=x onerror=self[`alert`](1)>",
        "<img src=x onerror=location='javascript:alert(1)'>",
    ]
    return out


def schemes() -> list[str]:
    """`javascript:`, `data:` and `vbscript:` URLs, and the ways people dress them up."""
    return [
        "javascript:alert(1)", "javascript:top.__pwned=1", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
        "java\tscript:alert(1)", "java\nscript:alert(1)", "java&#x09;script:alert(1)", "java&#10;script:alert(1)",
        "&#106;avascript:alert(1)", "&#x6A;avascript:alert(1)", "&#0000106avascript:alert(1)",
        "javascript&colon;alert(1)", "javascript&#58;alert(1)", "javascript&#x3a;top.__pwned=1",
        "%6Aavascript:alert(1)", "javascript%3Aalert(1)", "jav%09ascript:alert(1)", "\x01javascript:alert(1)",
        "javascript://%0Aalert(1)", "javascript:/*-->*/top.__pwned=1", "javascript:void(top.__pwned=1)",
        "data:text/html,<script>alert(1)</script>", "DATA:text/html,<script>top.__pwned=1</script>",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "data:image/svg+xml,<svg onload=alert(1)>", "data:application/javascript,alert(1)",
        "vbscript:alert(1)", "VBScript:top.__pwned=1", "livescript:alert(1)", "mocha:alert(1)",
    ]


URL_CONTEXTS = [
    '<a href="{u}">x</a>', "[x]({u})", "[x](<{u}>)", "<{u}>", "![x]({u})", "[x][r]\n\n[r]: {u}",
    '<iframe src="{u}"></iframe>', '<form action="{u}"><button>x</button></form>',
    "<button formaction=\"{u}\">x</button>", '<object data="{u}"></object>', '<embed src="{u}">',
    '<meta http-equiv="refresh" content="0;url={u}">', '<svg><a xlink:href="{u}"><text y=20>x</text></a></svg>',
    '<math href="{u}">x</math>', '<base href="{u}//">',
]


# Every scheme goes through the contexts a reader can actually reach (links and markdown); the
# raw-HTML contexts, which the sanitizer drops whole, get a sample of schemes.
LINK_CONTEXTS = 6
SAMPLE_SCHEMES = ("javascript:alert(1)", "java&#x09;script:alert(1)", "&#x6A;avascript:alert(1)",
                  "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "vbscript:alert(1)")


def urls() -> list[str]:
    out = []
    for u in schemes():
        for n, context in enumerate(URL_CONTEXTS):
            if n >= LINK_CONTEXTS and u not in SAMPLE_SCHEMES:
                continue
            if "\n" in u and context.startswith(("[x][r]", "<{u}>")):
                continue
            out.append(context.format(u=u))
    return out


def svg_mathml() -> list[str]:
    out = []
    for js in JS:
        out += [
            f"<svg><animate onbegin={js} attributeName=x dur=1s>",
            f"<svg><set onbegin={js} attributeName=x to=1>",
            f"<svg><animate attributeName=href values=javascript:{js} /><a id=x><text y=20>x</text></a></svg>",
            f"<svg><a><set attributeName=href to=javascript:{js} /><text y=20>x</text></a></svg>",
            f"<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><image href='x' onerror='{js}'/></svg>#x\"/></svg>",
            f"<svg><foreignObject><iframe srcdoc=\"<script>parent.{js.split('.')[-1] if '.' in js else js}</script>\"></iframe></foreignObject></svg>",
            f"<svg><foreignObject><img src=x onerror={js}></foreignObject></svg>",
            f"<svg><script>{js}</script></svg>",
            f"<svg><script href=\"data:,{js}\" /></svg>",
            f"<svg><script xlink:href=\"data:,{js}\"></script></svg>",
            f"<svg><image href=x onerror={js} /></svg>",
            f"<svg><desc><img src=x onerror={js}></desc></svg>",
            f"<svg><title><img src=x onerror={js}></title></svg>",
            f"<svg><handler xmlns:ev=\"http://www.w3.org/2001/xml-events\" ev:event=\"load\">{js}</handler></svg>",
            f"<math><maction actiontype=\"statusline\" xlink:href=\"javascript:{js}\">x</maction></math>",
            f"<math><maction actiontype=\"toggle\" onclick=\"{js}\">x<mi>y</mi></maction></math>",
            f"<math><annotation-xml encoding=\"text/html\"><img src=x onerror={js}></annotation-xml></math>",
            f"<math><semantics><annotation-xml encoding=\"application/xhtml+xml\"><img src=x onerror={js}></annotation-xml></semantics></math>",
            f"<math><mi xlink:href=\"javascript:{js}\">x</mi></math>",
            f"<math><mtext><img src=x onerror={js}></mtext></math>",
        ]
    return out


def mutation() -> list[str]:
    """Markup that parses one way, serializes, and parses another (mXSS), and namespace confusion."""
    img = "<img src=x onerror={js}>"
    shapes = [
        "<noscript><p title=\"</noscript>" + img + "\"></noscript>",
        "<style><style/>" + img,
        "<title>" + img + "</title>", "</title>" + img,
        "<textarea>" + img + "</textarea>", "<textarea></textarea>" + img,
        "<template>" + img + "</template>", "<template><script>{js}</script></template>",
        "<xmp>" + img + "</xmp>", "<xmp></xmp>" + img,
        "<math><mtext><table><mglyph><style>" + img,
        "<math><mtext><table><mglyph><style><!--</style>" + img + "-->",
        "<svg></p><style><a id=\"</style>" + img + "\">",
        "<form><math><mtext></form><form><mglyph><style></math>" + img,
        "<math><mi><mglyph><svg><mtext><textarea><path id=\"</textarea>" + img + "\">",
        "<noembed><img title=\"</noembed>" + img + "\"></noembed>",
        "<noframes><img title=\"</noframes>" + img + "\"></noframes>",
        "<iframe><img title=\"</iframe>" + img + "\"></iframe>",
        "<plaintext>" + img, "<listing>" + img + "</listing>",
        "<!--<img src=\"-->" + img + "//\">", "<![CDATA[>" + img + "]]>",
        "<?xml version=\"1.0\"?>" + img, "<!DOCTYPE x [<!ENTITY a \"b\">]>" + img,
        "<a title=\"</a>" + img + "\">x</a>", "<svg><style>" + img + "</style></svg>",
        "<svg><style><![CDATA[</style>" + img + "]]></style></svg>",
        "<math><style>" + img + "</style></math>", "<table><tr><td>" + img + "</td></tr></table>",
        "<select><template><style><!--</style>" + img + "--></template></select>",
        "<select><option>" + img + "</option></select>", "<object><param name=x value=\"</object>" + img + "\">",
        "<svg><foreignObject><p><style><!--</style>" + img + "--></p></foreignObject></svg>",
        "<div id=\"x\"><!-- --!>" + img + " --></div>", "<a href=\"https://x.example/\"><svg>" + img + "</svg></a>",
        "<p><math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title=\"</style>" + img + "\">",
        "<svg><p><style><a title=\"</style>" + img + "\">",
        "<noscript><style></noscript>" + img + "</style>",
        "<img src=\"x` `" + img.replace("<img", "<script") + "\"` `>",
        "<<img src=x onerror={js}//<",
    ]
    return [s.format(js=js) for s in shapes for js in JS2]


def markdown_tricks() -> list[str]:
    out = []
    for js in JS2:
        out += [
            f"[x](javascript:{js})", f"[x](javascript:{js} \"title\")", f"[x](<javascript:{js}>)",
            f"[x](javascript&#58;{js})", f"[x](&#106;avascript:{js})", f"[x](java%0ascript:{js})",
            f"[x](  javascript:{js})", f"[x](JAVASCRIPT:{js})", f"[x](\njavascript:{js})",
            f"[x][1]\n\n[1]: javascript:{js}", f"[x][1]\n\n[1]: <javascript:{js}>",
            f"[x]\n\n[x]: javascript:{js} \"t\"", f"<javascript:{js}>", f"<JaVaScRiPt:{js}>",
            f"![x](x\" onerror=\"{js})", f"![x](https://x.example/x.png\"onerror=\"{js})",
            f"![x\" onerror=\"{js}](https://x.example/x.png)", f"![x](javascript:{js})",
            f"[x](https://x.example \"t\\\" onmouseover=\\\"{js}\")",
            f"[x](https://x.example 'a\" onmouseover=\"{js}')",
            f"[x](https://x.example (a\" onmouseover=\"{js}))",
            f"[x](https://x.example/\"onmouseover=\"{js})",
            f"[<img src=x onerror={js}>](https://x.example)", f"[x](https://x.example/<script>{js}</script>)",
            f"```\n</code><script>{js}</script>\n```", f"`</code><img src=x onerror={js}>`",
            f"    <script>{js}</script>", f"**<img src=x onerror={js}>**", f"> <script>{js}</script>",
            f"- [x](javascript:{js})", f"1. <svg onload={js}>", f"_<svg onload={js}>_",
            f"[[x](javascript:{js})](https://x.example)", f"[x](https://x.example)[y](javascript:{js})",
            f"https://x.example/<script>{js}</script>", f"www.x.example/\"><svg onload={js}>",
            f"https://x.example/?a=1&b=<img src=x onerror={js}>", f"mailto:x@x.example?body=<script>{js}</script>",
            f"[x](mailto:javascript:{js})", f"[x](data:text/html;base64,{base64.b64encode(f'<script>{js}</script>'.encode()).decode()})",
            f"[x](vbscript:{js})", f"[x](%6A%61%76%61%73%63%72%69%70%74:{js})", f"[x](javas\\cript:{js})",
            f"[x](https:javascript:{js})", f"[x](//javascript:{js})", f"[x](\\\\javascript:{js})",
            f"[x]( <javascript:{js}> )", f"[x](javascript:{quote(js)})", f"<https://x.example/\" onmouseover=\"{js}>",
            f"[x](https://x.example/ \"\" onmouseover=\"{js}\")", f"*[x](javascript:{js})*",
        ]
    return out


def attribute_breakouts() -> list[str]:
    out = []
    for js in JS:
        out += [
            f"\"><script>{js}</script>", f"'><script>{js}</script>", f"\" onmouseover=\"{js}",
            f"' onmouseover='{js}", f"` onmouseover=`{js}", f"\" autofocus onfocus=\"{js}",
            f"\"><img src=x onerror={js}>", f"'><img src=x onerror={js}>", f"</a><script>{js}</script>",
            f"\" style=\"animation:x\" onanimationstart=\"{js}", f"javascript:{js}//\"",
            f"https://x.example/\" onmouseover=\"{js}", f"https://x.example/'onmouseover='{js}",
            f"https://x.example/`onmouseover=`{js}", f"\"/><svg onload={js}>", f"\"></span><svg onload={js}>",
            f"\"></strong><script>{js}</script>", f"\"></dd><script>{js}</script>", f"x\" data-x=\"\"><svg onload={js}>",
            f"\" tabindex=1 onfocusin=\"{js}", f"&quot;><script>{js}</script>", f"&#34;><svg onload={js}>",
        ]
    return out


def template_injection() -> list[str]:
    return [
        "{{7*7}}", "${7*7}", "#{7*7}", "<%= 7*7 %>", "[[7*7]]", "{{config}}", "{{''.__class__.__mro__}}",
        "{{constructor.constructor('alert(1)')()}}", "{{$on.constructor('top.__pwned=1')()}}",
        "${alert(1)}", "`${alert(1)}`", "{{ alert(1) }}", "{% raw %}{{alert(1)}}{% endraw %}",
        "{{_self.env.registerUndefinedFilterCallback('exec')}}", "{{request.application}}",
        "<div ng-app>{{constructor.constructor('alert(1)')()}}</div>", "{{x=alert(1)}}",
        "<div v-html=\"'<img src=x onerror=alert(1)>'\"></div>", "{{lipsum.__globals__}}", "{name}{0}%s%n",
    ]


def css() -> list[str]:
    out = []
    for js in JS2:
        out += [
            f"<div style=\"background:url(javascript:{js})\">x</div>",
            f"<div style=\"background-image:url('javascript:{js}')\">x</div>",
            f"<style>@import 'javascript:{js}';</style>", f"<style>body{{background:url(\"javascript:{js}\")}}</style>",
            f"<div style=\"width:expression({js})\">x</div>", f"<style>*{{x:expression({js})}}</style>",
            f"<link rel=stylesheet href=\"javascript:{js}\">", f"<div style=\"behavior:url(x.htc)\" onmouseover=\"{js}\">x</div>",
            f"<div style=\"-moz-binding:url(x.xml#x)\" onclick=\"{js}\">x</div>",
            f"<style>@keyframes x{{}}</style><div style=\"animation-name:x\" onanimationstart=\"{js}\">x</div>",
            f"<div style=\"x:\\65 xpression({js})\">x</div>", f"<div style=\"x:exp/**/ression({js})\">x</div>",
            f"<style>li{{list-style-image:url(\"javascript:{js}\")}}</style>",
            f"</style><script>{js}</script>", f"<div style=\"background:url(&quot;javascript:{js}&quot;)\">x</div>",
        ]
    return out


def closers() -> list[str]:
    endings = ["</textarea>", "</title>", "</script>", "</style>", "</noscript>", "</xmp>", "</iframe>",
               "</template>", "</select>", "</option>", "-->", "]]>", "</a>", "</li></ol>", "</main>",
               "</form>", "</code></pre>", "</div></article>", "</h1>", "</dd></dl>"]
    payloads = ["<script>{js}</script>", "<img src=x onerror={js}>", "<svg onload={js}>"]
    return [end + p.format(js=js) for end in endings for p in payloads for js in JS2[:1]] + \
           [end + "<script>top.__pwned=1</script>" for end in endings]


def polyglots() -> list[str]:
    return [
        ("jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk=alert(1) )//%0D%0A%0d%0a//</stYle/</titLe/"
         "</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=alert(1)//>\\x3e"),
        "'\"--></style></script><script>alert(1)</script>",
        "\"'><img src=x onerror=alert(1)>{{7*7}}${7*7}",
        "';alert(1);//", "\";top.__pwned=1;//", "</script><svg/onload=top.__pwned=1>",
        "-alert(1)-", "\\\";alert(1);//", "'-alert(1)-'", "\"-top.__pwned=1-\"",
        "<img src='x'onerror='alert(1)'>", "<svg><![CDATA[><image xlink:href=\"]]><img src=x onerror=alert(1)//\"></svg>",
        "<a href=\"javas&#99;ript:alert(1)\">x</a>", "<a href=\"\\x6Aavascript:alert(1)\">x</a>",
        "<a href=\"jav&#x0D;ascript:alert(1)\">x</a>", "<a href=\"&#14;javascript:alert(1)\">x</a>",
        "<a href=\"javascript\u2028:alert(1)\">x</a>", "<a href=\"%00javascript:alert(1)\">x</a>",
        "\u202e<script>alert(1)</script>", "\u200b<script>alert(1)</script>",
        "＜script＞alert(1)＜/script＞", "\uff1cimg src=x onerror=alert(1)\uff1e",
        "<a href=\"https://x.example/\" target=_top onmouseover=alert(1)>x</a>",
        "<a href=\"//x.example/\" ping=\"javascript:alert(1)\">x</a>",
        "<img srcset=\"x 1x, javascript:alert(1) 2x\">", "<img src=x usemap=#m><map name=m><area href=javascript:alert(1) shape=default></map>",
        "<iframe srcdoc=\"&lt;script&gt;parent.__pwned=1&lt;/script&gt;\"></iframe>",
        "<iframe srcdoc='<img src=x onerror=parent.__pwned=1>'></iframe>",
        "<object type=text/html data=\"data:text/html,<script>parent.__pwned=1</script>\"></object>",
        "<portal src=\"javascript:alert(1)\"></portal>", "<x contenteditable onfocus=alert(1) autofocus>x</x>",
        "<custom-tag onmouseover=alert(1)>x</custom-tag>", "<xss id=x tabindex=1 onfocusin=alert(1)></xss>",
        "<dialog open onclose=alert(1)><form method=dialog><button>x</button></form></dialog>",
        "<input type=image src=x onerror=alert(1)>", "<input type=hidden accesskey=x onclick=alert(1)>",
        "<frameset onload=alert(1)>", "<html onmouseover=alert(1)>", "<head><base href=javascript:alert(1)//>",
        "<img src=\"javascript:alert(1)\">", "<img dynsrc=\"javascript:alert(1)\">", "<img lowsrc=\"javascript:alert(1)\">",
        "<bgsound src=\"javascript:alert(1)\">", "<br size=\"&{alert(1)}\">", "<layer src=\"javascript:alert(1)\"></layer>",
        "<xml id=x><x><c><![CDATA[<img src=x onerror=alert(1)>]]></c></x></xml>",
        "<div draggable=true ondragstart=alert(1)>x</div>", "<body onbeforeprint=alert(1)>",
        "<svg><discard onbegin=alert(1)>", "<svg><animatetransform onbegin=alert(1) attributeName=transform>",
        "<style>:target{color:red}</style><h1 id=x style=\"transition:color 1s\" ontransitionend=alert(1)>x</h1>",
        "<video poster=javascript:alert(1)//></video>", "<a href=\"javascript&NewLine;:alert(1)\">x</a>",
        "<a href=\"javascript&Tab;:alert(1)\">x</a>", "<a href=\"&NewLine;javascript:alert(1)\">x</a>",
        "<a href=javascript&colon;alert&lpar;1&rpar;>x</a>",
    ]


def linkify() -> list[str]:
    """Links the linkifier makes on any TLD and bare domain names, with breakout attempts around them."""
    shapes = [
        'https://web.dev/"onmouseover="{js}', "https://web.dev/'onmouseover='{js}", 'web.dev/"><img src=x onerror={js}>',
        "example.xyz/<script>{js}</script>", 'https://example.app/#"><svg onload={js}>',
        'at http://[::1"onmouseover={js}//]/', "https://spam.xyz/a?x=</a><img src=x onerror={js}>",
        "javascript:{js}//example.xyz", "javascript://example.app/%0a{js}", '**https://web.dev/x" onclick="{js}**',
        "[https://web.dev/x](javascript:{js})", '<a href="https://web.dev/">https://web.dev/"onfocus={js} autofocus</a>',
        'пример.рф/"onmouseover="{js}', "https://web.dev/x&quot;onmouseover={js}",
        "https://web.dev/x&#34;onmouseover={js}", "data.xyz:text/html,<script>{js}</script>",
        "`https://web.dev/`<img src=x onerror={js}>", "ann.blog`<svg onload={js}>`",
    ]
    return [shape.format(js=js) for shape in shapes for js in JS2]


FAMILIES = {
    "script-tag": script_tags, "event-handler": event_handlers, "url-scheme": urls, "svg-mathml": svg_mathml,
    "mutation": mutation, "markdown": markdown_tricks, "attribute-breakout": attribute_breakouts,
    "template-injection": template_injection, "css": css, "closer": closers, "polyglot": polyglots,
    "linkify": linkify,
}


def build() -> list[dict]:
    seen: set[str] = set()
    rows = []
    for family, make in FAMILIES.items():
        for vector in make():
            if vector not in seen:
                seen.add(vector)
                rows.append({"family": family, "vector": vector})
    return rows


def main() -> None:
    rows = build()
    OUT.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    print(f"{len(rows)} vectors -> {OUT}")


if __name__ == "__main__":
    main()
