"""What each role is sent: HTML fragments for the pages, JSON for API clients.

Every view asks ``core.visibility`` what its viewer may see; nothing here decides that.
"""
