"""Demo data for development (`manage.py seed_demo`), outside the apps' layering: it may use
every app, and no app imports it. Each app keeps its own demo module (accounts/demo.py,
activities/demo.py, organizations/demo.py); this app only calls them in order."""
