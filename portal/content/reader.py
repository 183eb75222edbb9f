"""One content file into one typed, rendered item, with every problem found in it."""
from __future__ import annotations

import difflib
from types import MappingProxyType

from .. import markup
from .errors import ContentError, FieldError
from .fields import SLUG
from .frontmatter import decode, parse
from .kind import Kind, Registry
from .model import Item, Site
from .tree import EXTENSION

def renderer(backlink_title, image_hosts, cache=None):
    """``render(lang, body, phones)``: the body as sanitised HTML with the site's phone
    numbers as ``tel:`` links, from ``cache`` (a :class:`RenderCache`) when it is kept."""
    def render(lang: str, body: str, phones: frozenset[str] = frozenset()):
        title = backlink_title(lang) if backlink_title else "Back to footnote {} in the text"
        key = cache.key(body, title, image_hosts, phones) if cache is not None else None
        found = cache.get(key) if key is not None else None
        if found is not None:
            return markup.Rendered(*found)
        rendered = markup.render(body, title, image_hosts=image_hosts)
        rendered = markup.Rendered(markup.link_phones(rendered.html, phones), rendered.toc,
                                   rendered.problems)
        if key is not None:
            cache.put(key, rendered.html, rendered.toc, rendered.problems)
        return rendered
    return render


def read_item(rel: str, data: bytes, site: Site, kinds: Registry,
              render) -> tuple[Item | None, list[ContentError]]:
    """The item in ``data`` and every problem found, or None and the problems.

    Never raises: whatever goes wrong in one file is an error naming that file."""
    try:
        return _read_item(rel, data, site, kinds, render)
    except ContentError as exc:
        return None, [exc]
    except RecursionError:
        return None, [ContentError(rel, 1, "", "nested too deeply to read")]
    except Exception as exc:  # noqa: BLE001 - a bad file must never stop the others
        message = str(exc) if isinstance(exc, ValueError) else \
            f"could not be read ({type(exc).__name__}: {exc})"
        return None, [ContentError(rel, 1, "", message)]


def _read_item(rel: str, data: bytes, site: Site, kinds: Registry, render):
    lang, section, *rest = rel.split("/")
    kind: Kind = kinds[section]
    slug = rest[-1][: -len(EXTENSION)]
    if not SLUG.fullmatch(slug):
        raise ContentError(rel, 1, "slug", f"file name {slug!r} is not a valid slug: use "
                           "lowercase letters, digits and single hyphens, for example flood-safety.md")
    parsed = parse(decode(data, rel), rel)
    schema = kind.schema_for(parsed.meta)
    problems: list[ContentError] = []
    values = {}
    for name, field in schema.items():
        line = parsed.lines.get(name, 1)
        if name not in parsed.meta or parsed.meta[name] is None:
            if field.required:
                problems.append(ContentError(rel, line, name, "required field is missing"))
            continue
        try:
            values[name] = field.convert(parsed.meta[name], site)
        except FieldError as exc:
            problems.append(ContentError(rel, line, name, str(exc)))
    if kind.finish is not None:
        for name, message in kind.finish(values, lang):
            problems.append(ContentError(rel, parsed.lines.get(name, 1), name, message))
    problems.extend(_fields_of_unknown_subtype(rel, parsed, schema, kind, site))
    problems.extend(_unknown_fields(rel, parsed, schema, kind))
    if any(p.severity == "error" for p in problems):
        return None, problems
    extra = {k: v for k, v in parsed.meta.items() if k not in schema}
    try:
        rendered = render(lang, parsed.body, site.phones)
    except markup.MarkupError as exc:
        return None, [*problems, ContentError(rel, parsed.body_line, "body", str(exc))]
    for line, message in rendered.problems:
        problems.append(ContentError(rel, parsed.body_line + max(line, 1) - 1, "", message,
                                     "warning"))
    item = kind.item(
        lang=lang, section=section, slug=slug, path=rel, group="/".join([*rest[:-1], slug]),
        html=rendered.html, toc=rendered.toc,
        meta=MappingProxyType(extra),
        lines=MappingProxyType(parsed.lines), **values)
    return item, problems


def _fields_of_unknown_subtype(rel: str, parsed, schema, kind: Kind, site):
    """With a subtype that is not one (`type: alret`), still check the fields that
    belong to some subtype, so one run names every problem in the file."""
    if kind.subtype is None or str(parsed.meta.get(kind.subtype)) in kind.subtypes:
        return
    for name, value in parsed.meta.items():
        if name in schema or value is None:
            continue
        field = next((extra[name] for extra in kind.subtypes.values() if name in extra), None)
        if field is None:
            continue
        try:
            field.convert(value, site)
        except FieldError as exc:
            yield ContentError(rel, parsed.lines.get(str(name), 1), str(name), str(exc))


def _unknown_fields(rel: str, parsed, schema, kind: Kind):
    known = kind.fields()
    subtype_known = kind.subtype is not None and \
        str(parsed.meta.get(kind.subtype)) in kind.subtypes
    for name in parsed.meta:
        if name in schema or (name in known and not subtype_known):
            continue
        line = parsed.lines.get(str(name), 1)
        if name in known:
            message = (f"not used by this {kind.subtype or 'item'}; "
                       f"it is read only for other values of {kind.subtype}")
        else:
            close = difflib.get_close_matches(str(name), sorted(known), n=1, cutoff=0.75)
            message = "unknown field" + (f"; did you mean {close[0]!r}?" if close else
                                         f"; known fields: {', '.join(sorted(schema))}")
        yield ContentError(rel, line, str(name), message, "warning")
