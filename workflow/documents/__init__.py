"""Official documents (GB/T 9704-2012): the approval notice and the letters, as HTML built
from plain data and rendered through workflow.pdf; the files stored once."""
