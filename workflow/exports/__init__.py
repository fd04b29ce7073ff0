"""Documents generated from workflow data: spreadsheets and PDFs for download and print."""
