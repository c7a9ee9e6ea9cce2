"""Users and roles are managed on the platform's own pages (audited, 三员 rules), not in the
Django admin; models that would bypass those rules are taken out of it."""

from django.contrib import admin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

for model in (Group, TOTPDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
