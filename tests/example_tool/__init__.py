"""A tool that exists only in the tests (INSTALLED_APPS of portal_site.settings.test): notes
that staff leave for chosen contacts. It is the proof of docs/DESIGN.md's "Adding a tool":
this folder and one line in INSTALLED_APPS, and the spine gives it a menu entry, a firm
switch on the settings screen, a dashboard panel, 404s for outsiders, its place in the
isolation walk and the who-can-see explanation, with no other file edited."""
