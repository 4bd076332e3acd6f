"""Dashboard panels the billing app registers with the spine."""


def balance_panel(request, workspace):
    return None
