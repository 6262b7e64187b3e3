#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/TARGET/)
from the example data, the failure cases and the default templates: a few
small inputs each, in the input format each target's header describes.
usage: tests/fuzz/make-seeds.py   (from the top of the project)"""
import json, os, shutil

OUT = 'tests/fuzz/corpus'


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def head(path, lines):
    with open(path, 'rb') as f:
        return b''.join(f.readlines()[:lines])


shutil.rmtree(OUT, ignore_errors=True)

# loader: program.ini, "=== deals.csv ===", deals.csv[, "=== partners.csv ===", partners.csv]
ini = open('examples/northwind/program.ini', 'rb').read()
write('loader', 'northwind', ini + b'\n=== deals.csv ===\n' + head('examples/northwind/deals.csv', 12)
      + b'\n=== partners.csv ===\n' + head('examples/northwind/partners.csv', 6))
write('loader', 'deals-only', head('examples/northwind/deals.csv', 8))
for case in ('check-errors', 'invalid-utf8', 'missing-column', 'three-errors', 'unclosed-quote',
             'header-only', 'empty-file'):
    d = 'tests/fail/%s/data/' % case
    write('loader', case, open(d + 'program.ini', 'rb').read() + b'\n=== deals.csv ===\n'
          + open(d + 'deals.csv', 'rb').read() + b'\n=== partners.csv ===\n'
          + open(d + 'partners.csv', 'rb').read())
write('loader', 'columns-crlf', (
    '[program]\r\nname = A\r\ncurrency = EUR\r\ndate_format = DD.MM.YYYY\r\n'
    '[tier strategic]\r\nlabel = S\r\nrank = 1\r\n[tier core]\r\nlabel = C\r\nrank = 2\r\n'
    '[columns deals]\r\ndeal_id = Opportunity ID\r\namount = Amount (EUR)\r\n'
    '\n=== deals.csv ===\n'
    '\ufeffOpportunity ID,partner_id,account,owner,created_on,closed_on,outcome,Amount (EUR),attribution\r\n'
    'd1,bluefin,"Acme, ""Inc""",Sam,01.08.2026,05.10.2026,won,"1,234.50",sourced\r\n'
    'd2,p2,X,Sam,01.09.2026,,open,12,influenced\r\n'))

# template: template text, NUL, JSON context[, NUL, partial]...
ctx = {
    'program': {'name': 'Northwind <Co-Sell> & "Friends"'},
    'period': {'label': 'October 2026', 'window_label': 'Aug\u2013Oct 2026', 'previous_label': 'Sep'},
    'kpis': [{'label': 'Won', 'value': '$1.2M', 'has_change': True, 'direction': 'up', 'arrow': '\u25b2',
              'change': '+5.0%', 'note': 'partner share 0.31'},
             {'label': 'Win rate', 'value': 0.5, 'has_change': False, 'note': None}],
    'partners': [{'name': 'Bluefin Analytics', 'slug': 'bluefin', 'tier_label': 'Strategic',
                  'spark': {'img': '<img class="chart">'}, 'text': {'window': {'won_revenue': '$760K'}}},
                 {'name': '| pipe | *x* www.evil.example a@b.c http://x', 'slug': 'p2', 'tier_label': 'Core'}],
    'actions': {'any': True, 'promote': [{'name': 'Cedar', 'reason': 'win rate 0.61'}], 'demote': []},
    'health_panel': [{'step': 1, 'label': 'Recruit', 'badge': '<b>ok</b>', 'evidence': '3 of 4'}],
    'next_fix_part': {'label': 'Enable', 'status': 'red', 'status_label': 'Red', 'evidence': 'none'},
    'totals': {'text': {'partners': '20'}},
    'n': [1, 2.5, -3, 1e21, None, False, 'x'],
}
ctx_json = json.dumps(ctx, ensure_ascii=False).encode()
for name in ('index.md', 'partners.md', 'health.md', 'chart.md', 'archive.md', 'data-quality.md'):
    write('template', name, open('templates/' + name, 'rb').read() + b'\0' + ctx_json
          + b'\0' + open('templates/health.md', 'rb').read() + b'\0' + open('templates/chart.md', 'rb').read())
write('template', 'spec-mix', b'{{! c }}{{=<% %>=}}<%#n%>[<%.%>]<%/n%><%={{ }}=%>\n  {{>p}}\n'
      b'{{^missing}}{{{program.name}}}{{& period.label}}{{/missing}}{{n.1}}{{#items}}{{name}}{{/items}}'
      b'\0' + ctx_json + b'\0{{#partners}}\n  <{{name}}>\n{{/partners}}\n')
write('template', 'raw-value', b'# {{name}}\n\n| {{v}} |\n|---|\n{{#items}}\n- {{name}} {{{v}}}\n{{/items}}\n'
      b'\0Bluefin Analytics <b>|</b> \\ www.x.y :// @\t\r\n')
write('template', 'recursion', b'{{#flag}}\n  {{>self}}\n{{/flag}}{{v}}\0not json: a value \x01')

# fields: one value each
for i, v in enumerate(['2026-10-05', '10/05/2026', '05/10/2026', '05.10.2026', '2024-02-29',
                       '2026-10', 'YYYY-MM-DD', 'DD.MM.YYYY', '9999-12-31', '0001-01-01',
                       'Bluefin Analytics', 'a\\|b*_[x](javascript:alert(1)) www.evil.example a@b.c',
                       '<script>"&\'</script>', '\u65e5\u672c \u30d1\u30fc\u30c8\u30ca\u30fc\t\r\n x',
                       '  # heading\n> quote\n    code\n1. list',
                       '$12,500.00', '12.500,00 \u20ac', "CHF 1'234.50", 'USD 12500', '1.0825', '0,0066',
                       '2026-10-05T14:30:00-05:00', '3/7/2026 11:59 PM', '05.10.2026 00:00 UTC', 'EUR']):
    write('fields', 'value-%02d' % i, v)
