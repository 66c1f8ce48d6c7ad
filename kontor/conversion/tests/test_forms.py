"""The conversion form's parts among themselves: the action's errors, keyed "part-field",
land on the field of the part they name, so the user sees them where they typed."""

from django.core.exceptions import ValidationError

from kontor.conversion.forms import LeadConversion, add_action_errors
from kontor.core.testing import form_data
from kontor.leads.tests.factories import LeadFactory


def test_the_actions_errors_land_on_their_parts(rep):
    lead = LeadFactory(actor=rep)
    blank = LeadConversion(lead, rep)
    data = {
        k: v
        for form in (*blank.parts.values(), blank.hand_over)
        for k, v in form_data(form).items()
    }
    data["activities"] = "move"  # a plain dict holds one value, not the browser's list
    conversion = LeadConversion(lead, rep, data=data)
    assert conversion.is_valid()
    conversion.add_errors(
        ValidationError(
            {
                "contact-last_name": ["Needed."],
                "contact-birthdate": ["Bad date."],
                "account": ["Choose an account you can see."],
                "activities": ["Choose one."],
                "opportunity-amount": ["Too much."],
                "elsewhere": ["Odd."],
            }
        )
    )
    assert conversion.contact.errors["last_name"] == ["Needed."]
    assert conversion.contact.non_field_errors() == ["Birthdate: Bad date."]
    assert conversion.account.non_field_errors() == ["Choose an account you can see."]
    assert conversion.opportunity.errors["amount"] == ["Too much."]
    assert conversion.hand_over.errors["activities"] == ["Choose one."]
    assert conversion.hand_over.non_field_errors() == ["Odd."]
    add_action_errors(conversion.parts, conversion.hand_over, ValidationError("Broken."))
    assert "Broken." in conversion.hand_over.non_field_errors()
