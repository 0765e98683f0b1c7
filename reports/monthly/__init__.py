"""The monthly review (月讲评): its content (snapshot), charts and files (HTML, PDF, XLSX)."""
