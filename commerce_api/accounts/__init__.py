"""The HTML of the pages a browser sees under ``/auth``, ``/oauth`` and ``/newsletters``
(:mod:`commerce_api.accounts.pages`). Identity lives in :mod:`commerce_api.domain.identity`,
newsletters in :mod:`commerce_api.domain.newsletters`."""
