"""Reading stored results for pages, the API and the reports: dashboards, funnel plots, charts,
exports, the API's queries and the page cache."""
