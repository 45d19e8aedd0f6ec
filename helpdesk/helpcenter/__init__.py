"""The public help center at /h/<slug>/: home, branding, end-user accounts, "My requests", contact form.

`scope.py` holds its blueprint (`helpcenter_bp`) and loads the workspace for every public route;
`helpdesk/help_center_pages.py` adds the views and nests the other public blueprints (the knowledge base's) under it.
"""
