import Model
print("rec")
