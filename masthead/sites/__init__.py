"""Making a site: a new site folder, a folder of Markdown brought in whole, the demo.

Above the importers and accounts it uses: the first thing a new writer runs
(``masthead init``, ``masthead demo``) is made of the capabilities below it.
"""
